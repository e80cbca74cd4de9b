"""`/my N`: one report as the volunteer who asked may see it.

Whoever has a sighting of a report sees what became of it; anyone else learns only its status,
since dates and reasons would tell a stranger what moderators and the regulator decided about a
target someone else found. A merge moves every sighting to the surviving report, so ownership of
a merged number is read on the report it now lives under.

Probe checks give only a date and an outcome: titles, addresses and errors are what the target
showed the probe and stay with the moderators (/report).
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import saved_id
from models.enums import NoteCode, ReportStatus, Verdict
from models.moderation import AuditEntry
from models.probe import ProbeCheck
from models.report import Report, Sighting
from services.lifecycle import follow_merges, valid_id
from services.probe.results import OUTCOMES, Outcome

_SEEN_GONE = [v for v, outcome in OUTCOMES.items() if outcome in {Outcome.BLOCKED, Outcome.GONE}]
_SEEN_ONLINE = [v for v, outcome in OUTCOMES.items() if outcome == Outcome.ONLINE]


class Seen(StrEnum):
    """What the latest check of a kind found, in the words a volunteer gets."""

    BLOCKED = "blocked"
    REMOVED = "removed"


@dataclass(frozen=True, slots=True)
class ReportFacts:
    """The surviving report's story, for its own volunteers only."""

    report_id: int
    display: str
    status: ReportStatus
    resolution_code: NoteCode | None
    resolution_note: str | None
    sent_at: datetime | None
    seen_gone: tuple[Seen, datetime] | None
    seen_online_at: datetime | None


@dataclass(frozen=True, slots=True)
class MyReportView:
    """`/my N`. `facts` is None for a report that is not the asker's; `lives_under` is the
    number a merged report now lives under (the one `facts` describe)."""

    report_id: int
    status: ReportStatus
    lives_under: int | None = None
    facts: ReportFacts | None = None
    # The asker's own note on it (services/finder_notes.py); never anyone else's.
    my_note: str | None = None


async def my_report(
    session: AsyncSession, *, volunteer_id: int, report_id: int
) -> MyReportView | None:
    """Report `report_id` as `volunteer_id` may see it; None when there is no such report."""
    report = await session.get(Report, report_id) if valid_id(report_id) else None
    if report is None:
        return None
    survivor = await follow_merges(session, report)
    survivor_id = saved_id(survivor)
    lives_under = survivor_id if survivor_id != report_id else None
    own = await _own_sighting(session, volunteer_id=volunteer_id, report_id=survivor_id)
    if own is None:
        return MyReportView(report_id=report_id, status=report.status)
    facts = await _facts(session, survivor)
    return MyReportView(
        report_id=report_id,
        status=report.status,
        lives_under=lives_under,
        facts=facts,
        my_note=own[1],
    )


async def _own_sighting(
    session: AsyncSession, *, volunteer_id: int, report_id: int
) -> tuple[int, str | None] | None:
    """The asker's sighting of the report (its id and their note), or None."""
    found = await session.exec(
        select(Sighting.id, Sighting.note).where(
            Sighting.report_id == report_id, Sighting.volunteer_id == volunteer_id
        )
    )
    row = found.first()
    return None if row is None else (row[0] or 0, row[1])


async def _facts(session: AsyncSession, report: Report) -> ReportFacts:
    report_id = saved_id(report)
    sent_at = (
        await session.exec(
            select(func.min(AuditEntry.at)).where(
                AuditEntry.report_id == report_id, AuditEntry.to_status == ReportStatus.SENT
            )
        )
    ).one()
    gone = (
        await session.exec(
            select(ProbeCheck.verdict, ProbeCheck.checked_at)
            .where(ProbeCheck.report_id == report_id, col(ProbeCheck.verdict).in_(_SEEN_GONE))
            .order_by(col(ProbeCheck.checked_at).desc(), col(ProbeCheck.id).desc())
            .limit(1)
        )
    ).first()
    online_at = (
        await session.exec(
            select(func.max(ProbeCheck.checked_at)).where(
                ProbeCheck.report_id == report_id, col(ProbeCheck.verdict).in_(_SEEN_ONLINE)
            )
        )
    ).one()
    seen_gone = None
    if gone is not None:
        verdict, checked_at = gone
        blocked = OUTCOMES[Verdict(verdict)] == Outcome.BLOCKED
        seen_gone = (Seen.BLOCKED if blocked else Seen.REMOVED, checked_at)
    return ReportFacts(
        report_id=report_id,
        display=report.display,
        status=report.status,
        resolution_code=report.resolution_code,
        resolution_note=report.resolution_note,
        sent_at=sent_at,
        seen_gone=seen_gone,
        seen_online_at=online_at,
    )
