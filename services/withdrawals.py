"""A volunteer withdraws their own sighting of a report that is still new (issue 11).

Decisions (README, "Withdraw or add a note"):
- Only the withdrawing volunteer's sighting goes, with the evidence posts they sent for it (a
  wall's photos and screenshots stay: they show the target, whoever took them). Other
  volunteers' confirmations keep the report alive: it stays new, and if the withdrawing
  volunteer was its finder, the earliest remaining sighting's volunteer becomes the finder. Its
  "first seen" stays: the weekly counts already froze it.
- When no sighting is left, the report is closed as *rejected* with the reason code WITHDRAWN:
  an existing status that leaves the queue, closes the report for rechecks and batches, and
  tells moderators why in its history. No new status, so no lifecycle or digest rule changes.
- Either way one audit entry records it (new → rejected, or new → new with the code
  SIGHTING_WITHDRAWN), with the volunteer as the actor; moderators' screens show "a volunteer",
  never the name (services/report_view, views/report_card).
- The kept tallies are brought up to date in the same transaction (kept_tallies.track/settle,
  as every lifecycle change does): the sighting's counts leave the volunteer's day, the new
  finder's "found first" moves with the credit.
"""

from dataclasses import dataclass

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import saved_id
from models.enums import NoteCode, ReportStatus
from models.moderation import AuditEntry
from models.report import Evidence, Sighting
from services import kept_tallies
from services.clock import utcnow
from services.own_sighting import OwnSighting, Refused, own_new_sighting


@dataclass(frozen=True, slots=True)
class Withdrawn:
    report_id: int
    closed: bool  # no sighting was left: the report itself is withdrawn (rejected)


async def withdraw(
    session: AsyncSession, *, volunteer_id: int, report_id: int
) -> Withdrawn | Refused:
    """Remove the volunteer's sighting of a new report, in one transaction."""
    found = await own_new_sighting(session, volunteer_id=volunteer_id, report_id=report_id)
    if not isinstance(found, OwnSighting):
        # Nothing was written: the commit only ends the read and gives up the lock (a rollback
        # would expire what the caller holds).
        await session.commit()
        return found
    report, sighting = found.report, found.sighting
    survivor_id = saved_id(report)
    tracked = await kept_tallies.track(session, [survivor_id])
    await session.exec(
        delete(Evidence).where(
            col(Evidence.report_id) == survivor_id, col(Evidence.volunteer_id) == volunteer_id
        )
    )
    await session.delete(sighting)
    await session.flush()
    earliest = (
        await session.exec(
            select(Sighting)
            .where(Sighting.report_id == survivor_id)
            .order_by(col(Sighting.created_at), col(Sighting.id))
            .limit(1)
        )
    ).first()
    now = utcnow()
    closed = earliest is None
    to = ReportStatus.REJECTED if closed else ReportStatus.NEW
    session.add(
        AuditEntry(
            report_id=survivor_id,
            from_status=report.status,
            to_status=to,
            actor_id=volunteer_id,
            at=now,
            code=NoteCode.WITHDRAWN if closed else NoteCode.SIGHTING_WITHDRAWN,
        )
    )
    if earliest is None:
        report.status, report.status_changed_at = to, now
        report.resolution_code, report.resolution_note = NoteCode.WITHDRAWN, None
        # Whoever held its card is refused by the status now; the hold itself is void.
        report.claimed_by_id = report.claimed_until = None
    elif report.found_by_id in (volunteer_id, None):
        report.found_by_id = earliest.volunteer_id
    session.add(report)
    await tracked.settle(session)
    await session.commit()
    return Withdrawn(survivor_id, closed)
