"""The report lifecycle: which status may follow which, applied with an audit trail.

Every change goes through `change_status` (or `merge`), which writes one AuditEntry per report
and, for outcomes volunteers care about, one Notice per volunteer who sighted the report, and
brings the kept tallies up to date (services/kept_tallies.py) — all in the caller's
transaction, so a state change, its trail and the standings are never separated.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import saved_id
from models.enums import Category, District, NoteCode, NoticeEvent, ReportStatus, TargetKind
from models.moderation import AuditEntry, Notice
from models.report import Evidence, Report, Sighting
from models.upsert import insert_ignore
from services import kept_tallies
from services.clock import utcnow
from services.points import CLOSED_STATUSES

S = ReportStatus
_CHUNK = 500
# Ids are INTEGER columns: a longer number a moderator typed names no report, and must not
# reach the database (PostgreSQL and SQLite refuse it as out of range).
MAX_ID = 2**31 - 1


def valid_id(number: int) -> bool:
    return 0 < number <= MAX_ID


ONLINE_TRANSITIONS: dict[ReportStatus, frozenset[ReportStatus]] = {
    S.NEW: frozenset({S.ACCEPTED, S.REJECTED, S.MERGED}),
    S.ACCEPTED: frozenset({S.SENT}),
    S.SENT: frozenset({S.BLOCKED, S.DECLINED, S.STILL_ONLINE, S.REMOVED}),
    # A recheck that finds a sent target still online leaves it waiting for the verdict.
    S.STILL_ONLINE: frozenset({S.BLOCKED, S.DECLINED, S.SENT, S.REMOVED}),
    # Removed: gone at the source (services/probe/rules.py), closed like blocked.
    S.BLOCKED: frozenset({S.REAPPEARED}),
    S.REMOVED: frozenset({S.REAPPEARED}),
    # Back online, it goes out with the next /batch; rechecks that see it gone again close it
    # again without a batch.
    S.REAPPEARED: frozenset({S.SENT, S.BLOCKED, S.REMOVED}),
}

STREET_TRANSITIONS: dict[ReportStatus, frozenset[ReportStatus]] = {
    S.NEW: frozenset({S.ACCEPTED, S.REJECTED, S.MERGED}),
    # A volunteer may photograph a wall painted over before any crew was assigned.
    S.ACCEPTED: frozenset({S.ASSIGNED, S.PAINTED_OVER}),
    S.ASSIGNED: frozenset({S.PAINTED_OVER}),
    S.PAINTED_OVER: frozenset({S.REAPPEARED}),
    S.REAPPEARED: frozenset({S.ASSIGNED, S.PAINTED_OVER}),
}

NOTIFIED: dict[ReportStatus, NoticeEvent] = {
    S.ACCEPTED: NoticeEvent.ACCEPTED,
    S.REJECTED: NoticeEvent.REJECTED,
    S.BLOCKED: NoticeEvent.BLOCKED,
    S.REMOVED: NoticeEvent.REMOVED,
    S.PAINTED_OVER: NoticeEvent.PAINTED_OVER,
}


def allowed_next(report: Report) -> frozenset[ReportStatus]:
    table = STREET_TRANSITIONS if report.kind == TargetKind.GRAFFITI else ONLINE_TRANSITIONS
    return table.get(report.status, frozenset())


@dataclass(frozen=True, slots=True)
class Refused:
    report_id: int
    status: ReportStatus | None  # None: no such report
    # A merge between a wall and an online target: each has its own lifecycle and closing.
    other_kind: bool = False
    # The refused report's kind, so refusals can name the next step for walls and links.
    kind: TargetKind | None = None
    # Another moderator holds the report's queue card (services/queue.py): left to them.
    held: bool = False


@dataclass(frozen=True, slots=True)
class Why:
    """Why a change happened, as stored: a code rendered in the reader's language (with the
    report or batch number, or the crew's district, it names), and/or a moderator's own words."""

    code: NoteCode | None = None
    text: str | None = None
    ref_id: int | None = None
    district: District | None = None


@dataclass(slots=True)
class TransitionResult:
    changed: list[Report] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)


async def load_reports(
    session: AsyncSession, report_ids: Iterable[int], *, lock: bool = True
) -> dict[int, Report]:
    ids = sorted({i for i in report_ids if valid_id(i)})
    found: dict[int, Report] = {}
    # Chunked: a domain line of a /blocked list may stand for more reports than the database
    # accepts bound parameters in one statement.
    for start in range(0, len(ids), _CHUNK):
        statement = select(Report).where(col(Report.id).in_(ids[start : start + _CHUNK]))
        if lock:
            # Serialises concurrent moderators on PostgreSQL; SQLite serialises writers anyway.
            statement = statement.with_for_update()
        found.update((r.id, r) for r in (await session.exec(statement)).all() if r.id)
    return found


async def change_status(
    session: AsyncSession,
    *,
    report_ids: Sequence[int],
    to: ReportStatus,
    actor_id: int | None,
    why: Why = Why(),
    category: Category | None = None,
    batch_id: int | None = None,
    commit: bool = True,
) -> TransitionResult:
    """Move every report that may move to `to`; list the others as refused."""
    reports = await load_reports(session, report_ids)
    result = TransitionResult()
    now = utcnow()
    movable = [r for r in reports.values() if to in allowed_next(r)]
    # One query for every report's volunteers: a query per report inside the loop would flush
    # and hold SQLite's write lock for seconds on a 5,000-line /blocked list.
    volunteers = await _sighting_volunteers(session, [saved_id(r) for r in movable], to)
    tracked = await kept_tallies.track(session, [saved_id(r) for r in movable])
    trail = _Trail()
    for report_id in dict.fromkeys(report_ids):
        report = reports.get(report_id)
        if report is None or to not in allowed_next(report):
            status, kind = (report.status, report.kind) if report else (None, None)
            result.refused.append(Refused(report_id, status, kind=kind))
            continue
        if _held_by_other(report, actor_id, now):
            result.refused.append(Refused(report_id, report.status, kind=report.kind, held=True))
            continue
        _apply(
            trail, report, to, actor_id=actor_id, why=why, now=now,
            volunteers=volunteers.get(report_id, []),
        )  # fmt: skip
        if category is not None:
            report.category = category
        if batch_id is not None:
            report.batch_id = batch_id
        if to in (S.REJECTED, S.DECLINED):
            report.resolution_code, report.resolution_note = why.code, why.text
        result.changed.append(report)
    await trail.write(session)
    await tracked.settle(session)
    if commit:
        await session.commit()
    return result


@dataclass(slots=True)
class _Trail:
    """The audit entries and notices of one change, written by two Core statements.

    Built as ORM objects they cost 0.5 ms of the event loop per report (SQLModel builds and
    checks each one), which a 5,000-line /blocked list paid while volunteers waited.
    """

    audits: list[dict[str, Any]] = field(default_factory=list)
    notices: list[dict[str, Any]] = field(default_factory=list)

    async def write(self, session: AsyncSession) -> None:
        if self.audits:
            await session.exec(_AUDIT_INSERT, params=self.audits)
        if self.notices:
            await session.exec(_NOTICE_INSERT, params=self.notices)


_AUDIT_INSERT = insert(AuditEntry.__table__)  # type: ignore[attr-defined]
_NOTICE_INSERT = insert(Notice.__table__)  # type: ignore[attr-defined]


def _apply(
    trail: _Trail,
    report: Report,
    to: ReportStatus,
    *,
    actor_id: int | None,
    why: Why,
    now: datetime,
    volunteers: Sequence[int] = (),
) -> None:
    report_id = saved_id(report)
    trail.audits.append(
        {
            "report_id": report_id,
            "from_status": report.status,
            "to_status": to,
            "actor_id": actor_id,
            "at": now,
            "code": why.code,
            "ref_id": why.ref_id,
            "district": why.district,
            "note": why.text,
        }
    )
    report.status = to
    report.status_changed_at = now
    if to in CLOSED_STATUSES and report.closed_at is None:
        report.closed_at = now
    report.claimed_by_id = None
    report.claimed_until = None
    event = NOTIFIED.get(to)
    if event is not None:
        trail.notices += [
            {
                "volunteer_id": volunteer_id,
                "report_id": report_id,
                "event": event,
                "code": why.code,
                "note": why.text,
                "created_at": now,
                "done_at": None,
            }
            for volunteer_id in volunteers
        ]


async def sighting_volunteers(session: AsyncSession, report_id: int) -> list[int]:
    rows = await session.exec(select(Sighting.volunteer_id).where(Sighting.report_id == report_id))
    return list(rows.all())


async def _sighting_volunteers(
    session: AsyncSession, report_ids: Sequence[int], to: ReportStatus
) -> dict[int, list[int]]:
    """Who sighted each report, for the notices; nothing to read when `to` is not notified."""
    found: dict[int, list[int]] = {}
    if to not in NOTIFIED:
        return found
    ids = sorted(set(report_ids))
    for start in range(0, len(ids), _CHUNK):
        rows = await session.exec(
            select(Sighting.report_id, Sighting.volunteer_id)
            .where(col(Sighting.report_id).in_(ids[start : start + _CHUNK]))
            .order_by(col(Sighting.id))
        )
        for report_id, volunteer_id in rows.all():
            found.setdefault(report_id, []).append(volunteer_id)
    return found


# A merge never targets a merged report, so chains are short; the bound only keeps a damaged
# chain from looping.
MAX_MERGE_HOPS = 20


async def follow_merges(session: AsyncSession, report: Report) -> Report:
    """The report that absorbed this one (through every merge), or the report itself."""
    for _ in range(MAX_MERGE_HOPS):
        if report.merged_into_id is None:
            return report
        survivor = await session.get(Report, report.merged_into_id)
        if survivor is None:
            return report
        report = survivor
    return report


async def surviving(session: AsyncSession, report_id: int) -> Report | None:
    """Report `report_id`, or the report that absorbed it; None when there is no such report."""
    report = await session.get(Report, report_id) if valid_id(report_id) else None
    return await follow_merges(session, report) if report is not None else None


@dataclass(frozen=True, slots=True)
class MergeResult:
    merged: list[int]
    refused: list[Refused]
    into: Report | None


async def merge(
    session: AsyncSession, *, source_ids: Sequence[int], into_id: int, actor_id: int | None
) -> MergeResult:
    """Merge new reports into a surviving one; every sighting moves, so every credit stays.

    A volunteer who sighted both keeps one sighting on the survivor (dated by the earlier one):
    the same volunteer sending one target twice counts once. The finder of the survivor becomes
    whoever sighted either report first.
    """
    reports = await load_reports(session, [*source_ids, into_id])
    into = reports.get(into_id)
    if into is None or into.status == S.MERGED:
        return MergeResult([], [Refused(into_id, into.status if into else None)], None)
    merged, refused = [], []
    now = utcnow()
    tracked = await kept_tallies.track(session, reports)
    trail = _Trail()
    # Read before any sighting moves: whoever had already sighted the survivor follows it
    # already, so a merge into it is no news for them.
    following = set(await sighting_volunteers(session, into_id))
    for source_id in dict.fromkeys(source_ids):
        source = reports.get(source_id)
        if source is None or source_id == into_id or S.MERGED not in allowed_next(source):
            refused.append(Refused(source_id, source.status if source else None))
            continue
        if _held_by_other(source, actor_id, now):
            refused.append(Refused(source_id, source.status, held=True))
            continue
        if _is_street(source) != _is_street(into):
            # A channel merged into a wall would never be sent to Кибернадзор; a wall merged
            # into a channel would never be painted over.
            refused.append(Refused(source_id, source.status, other_kind=True))
            continue
        moving = [v for v in await sighting_volunteers(session, source_id) if v not in following]
        await _move_sightings(session, source, into)
        trail.notices += _merged_notices(source_id, moving, now)
        _apply(
            trail,
            source,
            S.MERGED,
            actor_id=actor_id,
            why=Why(NoteCode.MERGED_INTO, ref_id=into_id),
            now=now,
        )
        source.merged_into_id = into_id
        merged.append(source_id)
    await trail.write(session)
    await tracked.settle(session)
    await session.commit()
    return MergeResult(merged, refused, into)


def _merged_notices(
    source_id: int, volunteer_ids: Sequence[int], now: datetime
) -> list[dict[str, Any]]:
    """Tell each volunteer whose sighting moved which number it now lives under: the number is
    read when the notice goes out (services/notices.py), so a later merge is followed too."""
    return [
        {
            "volunteer_id": volunteer_id,
            "report_id": source_id,
            "event": NoticeEvent.MERGED,
            "code": None,
            "note": None,
            "created_at": now,
            "done_at": None,
        }
        for volunteer_id in dict.fromkeys(volunteer_ids)
    ]


def _held_by_other(report: Report, actor_id: int | None, now: datetime) -> bool:
    """A moderator's command skips a card another moderator is judging right now.

    Changes the bot makes by itself (no actor) are not held back: claims are between people.
    """
    holder, until = report.claimed_by_id, report.claimed_until
    if actor_id is None or holder is None or holder == actor_id or until is None:
        return False
    return until >= now


def _is_street(report: Report) -> bool:
    return report.kind == TargetKind.GRAFFITI


async def _move_sightings(session: AsyncSession, source: Report, into: Report) -> None:
    moving = (await session.exec(select(Sighting).where(Sighting.report_id == source.id))).all()
    kept = {
        s.volunteer_id: s
        for s in (await session.exec(select(Sighting).where(Sighting.report_id == into.id))).all()
    }
    for sighting in moving:
        existing = kept.get(sighting.volunteer_id)
        if existing is None:
            sighting.report_id = saved_id(into)
            session.add(sighting)
            continue
        existing.created_at = min(existing.created_at, sighting.created_at)
        existing.words = existing.words or sighting.words  # what they wrote stays readable
        existing.note = existing.note or sighting.note
        session.add(existing)
        await session.delete(sighting)
    if source.created_at < into.created_at:
        into.found_by_id = source.found_by_id
        into.created_at = source.created_at
        session.add(into)
    for evidence in (
        await session.exec(select(Evidence).where(Evidence.report_id == source.id))
    ).all():
        await insert_ignore(
            session,
            Evidence,
            {"report_id": into.id, "volunteer_id": evidence.volunteer_id, "url": evidence.url},
            ["report_id", "url"],
        )
    await session.exec(delete(Evidence).where(col(Evidence.report_id) == source.id))
    await session.flush()
