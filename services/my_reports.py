"""What a volunteer sees of their own work: /my and /stats."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import saved_id
from models.enums import NoteCode, ReportStatus, TargetKind
from models.report import Report, Sighting


@dataclass(frozen=True, slots=True)
class MyReport:
    report_id: int
    display: str
    status: ReportStatus
    status_changed_at: datetime
    # Why it was rejected or declined (a preset's code and/or a moderator's words).
    resolution_code: NoteCode | None = None
    resolution_note: str | None = None


@dataclass(frozen=True, slots=True)
class MyReportsPage:
    items: list[MyReport]
    page: int
    pages: int
    total: int


@dataclass(frozen=True, slots=True)
class VolunteerStats:
    links_sent: int
    found_first: int
    confirmations: int
    by_status: dict[ReportStatus, int] = field(default_factory=dict)


async def list_my_reports(
    session: AsyncSession, *, volunteer_id: int, page: int, page_size: int
) -> MyReportsPage:
    """The volunteer's reports, newest sighting first; an out-of-range page is clamped."""
    total = (
        await session.exec(
            select(func.count()).select_from(Sighting).where(Sighting.volunteer_id == volunteer_id)
        )
    ).one()
    pages = max(1, -(-total // page_size))
    page = min(max(page, 0), pages - 1)
    rows = await session.exec(
        select(Report, Sighting.created_at)
        .join(Sighting, col(Sighting.report_id) == col(Report.id))
        .where(Sighting.volunteer_id == volunteer_id)
        .order_by(col(Sighting.created_at).desc(), col(Sighting.id).desc())
        .offset(page * page_size)
        .limit(page_size)
    )
    items = [
        MyReport(
            report_id=saved_id(report),
            display=report.display,
            status=report.status,
            status_changed_at=report.status_changed_at,
            resolution_code=report.resolution_code,
            resolution_note=report.resolution_note,
        )
        for report, _ in rows.all()
    ]
    return MyReportsPage(items=items, page=page, pages=pages, total=total)


async def volunteer_stats(session: AsyncSession, *, volunteer_id: int) -> VolunteerStats:
    """Links, finds and confirmations count online targets; statuses cover photos too."""
    found_first_expr = func.sum(case((col(Report.found_by_id) == volunteer_id, 1), else_=0))
    rows = await session.exec(
        select(Report.status, Report.kind, func.count(), found_first_expr)
        .join(Sighting, col(Sighting.report_id) == col(Report.id))
        .where(Sighting.volunteer_id == volunteer_id)
        .group_by(Report.status, Report.kind)
    )
    by_status: dict[ReportStatus, int] = {}
    links_sent = found_first = 0
    for status, kind, count, found in rows.all():
        by_status[ReportStatus(status)] = by_status.get(ReportStatus(status), 0) + count
        if kind != TargetKind.GRAFFITI:
            links_sent += count
            found_first += int(found or 0)
    return VolunteerStats(
        links_sent=links_sent,
        found_first=found_first,
        confirmations=links_sent - found_first,
        by_status=by_status,
    )
