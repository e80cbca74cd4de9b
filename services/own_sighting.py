"""A volunteer's own sighting of a report that is still new: what withdrawing and noting act on.

Both follow merges (a volunteer told "your report #12 was joined with #7" may still type 12)
and lock the surviving report first, so two presses, or a moderator's decision at the same
moment, are serialised on PostgreSQL (SQLite has one writer anyway): whoever comes second reads
the first one's result.
"""

from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import saved_id
from models.enums import ReportStatus
from models.report import Report, Sighting
from services.lifecycle import surviving, valid_id


class Refusal(StrEnum):
    MISSING = "missing"  # no such report
    NOT_YOURS = "not_yours"  # no sighting of the asker's (never sent, or already withdrawn)
    NOT_NEW = "not_new"  # a moderator (or a merge) has moved it on


@dataclass(frozen=True, slots=True)
class Refused:
    refusal: Refusal
    report_id: int  # the surviving report's number when there is one, else the one asked
    status: ReportStatus | None = None


@dataclass(frozen=True, slots=True)
class OwnSighting:
    report: Report
    sighting: Sighting


async def own_new_sighting(
    session: AsyncSession, *, volunteer_id: int, report_id: int
) -> OwnSighting | Refused:
    """The volunteer's sighting of the report `report_id` lives under, locked, while it is new."""
    found = await surviving(session, report_id) if valid_id(report_id) else None
    if found is None:
        return Refused(Refusal.MISSING, report_id)
    survivor_id = saved_id(found)
    # Read again under a lock: the report may have changed since the merge chain was read.
    report = (
        await session.exec(
            select(Report)
            .where(col(Report.id) == survivor_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).one()
    sighting = (
        await session.exec(
            select(Sighting).where(
                Sighting.report_id == survivor_id, Sighting.volunteer_id == volunteer_id
            )
        )
    ).first()
    if sighting is None:
        return Refused(Refusal.NOT_YOURS, survivor_id, report.status)
    if report.status != ReportStatus.NEW:
        return Refused(Refusal.NOT_NEW, survivor_id, report.status)
    return OwnSighting(report, sighting)
