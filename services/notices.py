"""Outcome notices: drain the Notice outbox into one message per volunteer.

The lifecycle writes a Notice row per volunteer and report in the transaction of the change.
A drain pass takes the pending rows of a set of volunteers, marks done at once the rows of
volunteers who turned notices off, are banned or have blocked the bot, and hands back one
payload per remaining volunteer. A row is marked done only after its message was delivered, so
a crash in between means the volunteer may hear the news twice, never not at all.

The rows are claimed FOR UPDATE SKIP LOCKED on PostgreSQL, so two passes reading at once never
take the same row. That lock ends with the read transaction, before the sending: what keeps a
second pass from sending rows the first is still delivering is that one worker process runs
the drainer (`--role worker` holds an advisory lock); a lease column would be the next step.
"""

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import NoteCode, NoticeEvent
from models.moderation import Notice
from models.report import Report
from models.volunteer import Volunteer
from services import volunteers
from services.clock import utcnow
from services.lifecycle import MAX_MERGE_HOPS

EVENT_ORDER = (
    NoticeEvent.ACCEPTED,
    NoticeEvent.REJECTED,
    NoticeEvent.BLOCKED,
    NoticeEvent.REMOVED,
    NoticeEvent.PAINTED_OVER,
    NoticeEvent.CLAIM_CONFIRMED,
    NoticeEvent.CLAIM_REJECTED,
    NoticeEvent.MERGED,
)
# Keeps every UPDATE … WHERE id IN (…) under the parameter limits of SQLite and asyncpg.
_CHUNK = 1000


@dataclass(frozen=True, slots=True)
class NoticeLine:
    """Reports that had the same outcome (and, for rejections, the same reason)."""

    event: NoticeEvent
    report_ids: tuple[int, ...]
    # A rejection's reason: a preset's code (rendered in the volunteer's language) or as typed.
    code: NoteCode | None = None
    reason: str | None = None
    # Merges: the number these reports now live under (one line per surviving report).
    into: int | None = None


@dataclass(frozen=True, slots=True)
class VolunteerNotice:
    volunteer_id: int
    telegram_id: int
    language: str | None
    telegram_language: str | None
    notice_ids: tuple[int, ...]
    lines: tuple[NoticeLine, ...]


@dataclass(frozen=True, slots=True)
class PendingNotices:
    to_send: list[VolunteerNotice]
    # Rows closed without a message: notices off, banned or unreachable, or nothing to say.
    skipped: int


def wants_notices(volunteer: Volunteer) -> bool:
    return volunteer.notices_enabled and volunteer.is_reachable and volunteer.banned_at is None


def group_lines(
    notices: Iterable[Notice], homes: Mapping[int, int] | None = None
) -> tuple[NoticeLine, ...]:
    """One line per outcome (per reason for rejections, per surviving report for merges),
    reports in number order, no repeats.

    `homes`: merged report → the report it now lives under (`merge_homes`); a merge whose
    survivor is unknown says nothing."""
    homes = homes or {}
    groups: dict[tuple[NoticeEvent, NoteCode | None, str | None, int | None], set[int]] = {}
    for notice in notices:
        why = (notice.code, notice.note or None)
        code, reason = why if notice.event == NoticeEvent.REJECTED else (None, None)
        into = None
        if notice.event == NoticeEvent.MERGED:
            into = homes.get(notice.report_id)
            if into is None or into == notice.report_id:
                continue
        groups.setdefault((notice.event, code, reason, into), set()).add(notice.report_id)
    ordered = sorted(
        groups, key=lambda k: (EVENT_ORDER.index(k[0]), k[1] or "", k[2] or "", k[3] or 0)
    )
    return tuple(
        NoticeLine(e, tuple(sorted(groups[e, c, r, i])), c, r, i) for e, c, r, i in ordered
    )


async def merge_homes(session: AsyncSession, report_ids: Iterable[int]) -> dict[int, int]:
    """Merged report → the report it lives under now, through every later merge."""
    wanted = set(report_ids)
    homes: dict[int, int] = {}
    pointers: dict[int, int | None] = {}
    unread = set(wanted)
    for _hop in range(MAX_MERGE_HOPS):
        unread -= pointers.keys()
        if not unread:
            break
        rows = await session.exec(
            select(Report.id, Report.merged_into_id).where(col(Report.id).in_(sorted(unread)))
        )
        found = dict(rows.all())
        pointers.update((i, found.get(i)) for i in unread)
        unread = {into for into in found.values() if into is not None}
    for report_id in pointers.keys() & wanted:
        current = report_id
        for _hop in range(MAX_MERGE_HOPS):
            into = pointers.get(current)
            if into is None:
                break
            current = into
        homes[report_id] = current
    return homes


async def claim_pending(
    session: AsyncSession, *, max_volunteers: int = 500, exclude: Collection[int] = ()
) -> list[Notice]:
    """The pending rows of the volunteers waiting longest, locked until the transaction ends.

    On PostgreSQL the rows are read FOR UPDATE SKIP LOCKED: two claimers at once (two workers
    started by mistake) get disjoint rows, and the second never waits for the first; it takes
    what is left of the same volunteers, possibly nothing. On SQLite the clause is left out:
    one process writes there.
    """
    waiting = (
        select(Notice.volunteer_id)
        .where(col(Notice.done_at).is_(None))
        .group_by(col(Notice.volunteer_id))
        .order_by(func.min(Notice.id))
        .limit(max_volunteers)
    )
    if exclude:
        waiting = waiting.where(col(Notice.volunteer_id).not_in(list(exclude)))
    volunteer_ids = list((await session.exec(waiting)).all())
    if not volunteer_ids:
        return []
    rows = await session.exec(
        select(Notice)
        .where(col(Notice.volunteer_id).in_(volunteer_ids), col(Notice.done_at).is_(None))
        .order_by(col(Notice.id))
        .with_for_update(skip_locked=True)
    )
    return list(rows.all())


async def take_pending(
    session: AsyncSession, *, max_volunteers: int = 500, exclude: Collection[int] = ()
) -> PendingNotices:
    """The pending notices of the volunteers waiting longest, one payload per volunteer.

    `exclude` lists volunteers whose last message failed, so that one undeliverable message
    does not block the outbox; their rows stay pending for a later pass.
    """
    rows = await claim_pending(session, max_volunteers=max_volunteers, exclude=exclude)
    if not rows:
        await session.commit()
        return PendingNotices([], 0)
    by_volunteer: dict[int, list[Notice]] = {}
    for row in rows:
        by_volunteer.setdefault(row.volunteer_id, []).append(row)
    volunteers = {
        v.id: v
        for v in (
            await session.exec(select(Volunteer).where(col(Volunteer.id).in_(list(by_volunteer))))
        ).all()
    }
    homes = await merge_homes(
        session, {row.report_id for row in rows if row.event == NoticeEvent.MERGED}
    )
    to_send: list[VolunteerNotice] = []
    to_skip: list[int] = []
    for volunteer_id, notices in by_volunteer.items():
        volunteer = volunteers[volunteer_id]
        lines = group_lines(notices, homes)
        if not wants_notices(volunteer) or not lines:
            to_skip.extend(n.id for n in notices if n.id is not None)
            continue
        to_send.append(
            VolunteerNotice(
                volunteer_id=volunteer_id,
                telegram_id=volunteer.telegram_id,
                language=volunteer.language,
                telegram_language=volunteer.telegram_language,
                notice_ids=tuple(n.id for n in notices if n.id is not None),
                lines=lines,
            )
        )
    if to_skip:
        await mark_done(session, notice_ids=to_skip)
    else:
        await session.commit()  # ends the read transaction: the pass may take minutes
    return PendingNotices(to_send, len(to_skip))


async def mark_done(session: AsyncSession, *, notice_ids: Sequence[int]) -> None:
    now = utcnow()
    for start in range(0, len(notice_ids), _CHUNK):
        chunk = list(notice_ids[start : start + _CHUNK])
        await session.exec(
            update(Notice)
            .where(col(Notice.id).in_(chunk), col(Notice.done_at).is_(None))
            .values(done_at=now)
        )
    await session.commit()


async def mark_unreachable(
    session: AsyncSession, *, volunteer_id: int, notice_ids: Sequence[int] = ()
) -> None:
    """The volunteer is gone (services/volunteers.mark_unreachable), and the notices that could
    not reach them are closed with it."""
    await volunteers.mark_unreachable(session, volunteer_id=volunteer_id, commit=False)
    await mark_done(session, notice_ids=notice_ids)
