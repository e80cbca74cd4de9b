"""Taking a volunteer's links: each distinct target becomes a new report or joins its report.

A message's links cost one trip to the database (models/prepared.py): per distinct target an
INSERT … ON CONFLICT DO NOTHING of the report (a row back means the target is new), the
report read only when it was known (and followed through merges), the sighting's
INSERT … ON CONFLICT DO NOTHING (a row back means this volunteer had not sent it before),
the volunteer's tally of the day (services/kept_tallies.py) when the sighting is new, and the
evidence post.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel.ext.asyncio.session import AsyncSession

from models import intake_sql as sql
from models.enums import ReportStatus, TargetKind
from models.prepared import Run, run_writes
from models.sqlite_writer import SqliteWriter
from services import kept_tallies
from services.clock import utcnow
from services.identity import Refusal, RefusalReason, Target, canonicalize

# A merge chain longer than this means corrupted data, not a real history.
MAX_MERGE_HOPS = 50


class Outcome(StrEnum):
    NEW = "new"  # first report of this target: the volunteer found it
    CONFIRMED = "confirmed"  # known target, first time from this volunteer
    ALREADY_YOURS = "already_yours"  # this volunteer had sent it before
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class LinkResult:
    raw: str
    outcome: Outcome
    report_id: int | None = None
    status: ReportStatus | None = None
    display: str | None = None
    refusal: RefusalReason | None = None


@dataclass(frozen=True, slots=True)
class IntakeResult:
    links: list[LinkResult]
    too_many: bool = False

    @property
    def saved_any(self) -> bool:
        return any(link.outcome is not Outcome.REFUSED for link in self.links)


@dataclass(frozen=True, slots=True)
class _Shown:
    """The report a link joins, as far as the reply and the tally need it (a plain row: an ORM
    object would cost more than the statements)."""

    id: int
    status: ReportStatus
    display: str
    kind: TargetKind
    found_by_id: int | None
    closed_at: datetime | None


@dataclass(frozen=True, slots=True)
class _Sender:
    volunteer_id: int
    chat_id: int
    message_id: int
    at: datetime
    words: str | None = None  # the message's text without its links (services/words.py)


async def submit_links(
    session: AsyncSession,
    *,
    volunteer_id: int,
    chat_id: int,
    message_id: int,
    links: Sequence[str],
    max_links: int,
    writer: SqliteWriter | None = None,
    words: str | None = None,
) -> IntakeResult:
    """Record every link of one message in one transaction; the caller replies afterwards.

    With a `writer` (SQLite) and nothing begun in `session`, the transaction is the writer's
    own: one hand-off instead of three. Otherwise it is the session's, committed here.
    `words` go on every sighting the message makes (moderators read them; services/words.py).
    """
    if len(links) > max_links:
        return IntakeResult(links=[], too_many=True)
    identities = [(raw, canonicalize(raw)) for raw in links]
    sender = _Sender(volunteer_id, chat_id, message_id, utcnow(), words)

    def record_all(run: Run) -> list[LinkResult]:
        by_key: dict[str, LinkResult] = {}
        results: list[LinkResult] = []
        for raw, identity in identities:
            if isinstance(identity, Refusal):
                results.append(
                    LinkResult(raw=raw, outcome=Outcome.REFUSED, refusal=identity.reason)
                )
                continue
            first = by_key.get(identity.key)
            if first is None:
                first = by_key[identity.key] = _record(run, identity, raw, sender)
            elif identity.evidence_url:
                _record_evidence(run, first.report_id, sender, identity.evidence_url)
            results.append(
                LinkResult(
                    raw=raw,
                    outcome=first.outcome,
                    report_id=first.report_id,
                    status=first.status,
                    display=first.display,
                )
            )
        return results

    if writer is not None and not session.in_transaction():
        return IntakeResult(links=await writer.run(record_all))
    results = await run_writes(session, record_all)
    await session.commit()
    return IntakeResult(links=results)


async def record_sighting(
    session: AsyncSession,
    *,
    target: Target,
    raw: str,
    volunteer_id: int,
    chat_id: int,
    message_id: int,
) -> LinkResult:
    """One sighting of one target in the caller's transaction (no commit); graffiti reuse it."""
    sender = _Sender(volunteer_id, chat_id, message_id, utcnow())
    return await run_writes(session, lambda run: _record(run, target, raw, sender))


def _record(run: Run, target: Target, raw: str, sender: _Sender) -> LinkResult:
    created = run(
        sql.INSERT_REPORT,
        {
            "canonical_key": target.key,
            "kind": target.kind,
            "display": target.display,
            "site_key": target.site_key,
            "status": ReportStatus.NEW,
            "created_at": sender.at,
            "status_changed_at": sender.at,
            "found_by_id": sender.volunteer_id,
        },
    )
    if created:
        report = _Shown(created[0][0], ReportStatus.NEW, target.display, target.kind,
                        sender.volunteer_id, None)  # fmt: skip
    else:
        report = _surviving_report(run, target.key)
    report_id = report.id
    sighting = run(
        sql.INSERT_SIGHTING,
        {
            "report_id": report_id,
            "volunteer_id": sender.volunteer_id,
            "chat_id": sender.chat_id,
            "message_id": sender.message_id,
            "text_as_sent": raw[:2100],
            "words": sender.words,
            "created_at": sender.at,
        },
    )
    if sighting:
        kept_tallies.count_sighting(
            run, report=report, volunteer_id=sender.volunteer_id, created_at=sender.at,
            recheck_id=None if created else report_id,
        )  # fmt: skip
    if target.evidence_url:
        _record_evidence(run, report_id, sender, target.evidence_url)
    if created:
        outcome = Outcome.NEW
    elif sighting:
        outcome = Outcome.CONFIRMED
    else:
        outcome = Outcome.ALREADY_YOURS
    return LinkResult(
        raw=raw, outcome=outcome, report_id=report_id, status=report.status,
        display=report.display,
    )  # fmt: skip


def _surviving_report(run: Run, key: str) -> "_Shown":
    """The report of this key, or the report that absorbed it (through every merge)."""
    [row] = run(sql.REPORT_BY_KEY, {"key": key})
    for _ in range(MAX_MERGE_HOPS):
        merged_into = row[3]
        if merged_into is None:
            break
        survivor = run(sql.REPORT_BY_ID, {"id": merged_into})
        if not survivor:
            break
        [row] = survivor
    report_id, status, display, _merged_into, kind, found_by_id, closed_at = row
    return _Shown(report_id, ReportStatus(status), display, TargetKind(kind), found_by_id,
                  closed_at)  # fmt: skip


def _record_evidence(run: Run, report_id: int | None, sender: _Sender, url: str) -> None:
    run(
        sql.INSERT_EVIDENCE,
        {
            "report_id": report_id,
            "volunteer_id": sender.volunteer_id,
            "url": url,
            "created_at": sender.at,
        },
    )
