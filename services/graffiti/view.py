"""Graffiti as moderators see it on /report: its place, its wall's handle, its duplicates."""

from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import District, ReportStatus
from models.graffiti import Graffiti
from models.report import Report
from services.graffiti.finish import describe_place
from services.graffiti.geo import map_link


@dataclass(frozen=True, slots=True)
class GraffitiView:
    report_id: int
    status: ReportStatus
    place: str
    latitude: float | None
    longitude: float | None
    address: str | None
    district: District | None
    assigned_district: District | None
    suggested_district: District | None
    map_url: str | None
    handle_text: str | None
    # The online target the wall advertises, and where that target stands (blocked or not).
    target_id: int | None
    target_display: str | None
    target_status: ReportStatus | None
    possible_duplicate_of: int | None
    same_wall_of: int | None


async def graffiti_details(session: AsyncSession, report_id: int) -> GraffitiView | None:
    """A graffiti report's street details; None if the report is not a graffiti report."""
    row = (
        await session.exec(
            select(Graffiti, Report)
            .join(Report, col(Report.id) == col(Graffiti.report_id))
            .where(Graffiti.report_id == report_id)
        )
    ).first()
    if row is None:
        return None
    return await _view(session, *row)


async def graffiti_for_target(session: AsyncSession, report_id: int) -> list[GraffitiView]:
    """Every wall that advertises this online target, oldest first (merged ones left out)."""
    rows = await session.exec(
        select(Graffiti, Report)
        .join(Report, col(Report.id) == col(Graffiti.report_id))
        .where(Graffiti.handle_report_id == report_id, Report.status != ReportStatus.MERGED)
        .order_by(col(Report.id))
    )
    return [await _view(session, graffiti, report) for graffiti, report in rows.all()]


async def _view(session: AsyncSession, graffiti: Graffiti, report: Report) -> GraffitiView:
    target = (
        await session.get(Report, graffiti.handle_report_id)
        if graffiti.handle_report_id is not None
        else None
    )
    located = graffiti.latitude is not None and graffiti.longitude is not None
    return GraffitiView(
        report_id=graffiti.report_id,
        status=report.status,
        place=describe_place(
            address=graffiti.address,
            latitude=graffiti.latitude,
            longitude=graffiti.longitude,
        ),
        latitude=graffiti.latitude,
        longitude=graffiti.longitude,
        address=graffiti.address,
        district=graffiti.district,
        assigned_district=graffiti.assigned_district,
        suggested_district=graffiti.suggested_district,
        map_url=map_link(graffiti.latitude, graffiti.longitude)  # type: ignore[arg-type]
        if located
        else None,
        handle_text=graffiti.handle_text,
        target_id=target.id if target else None,
        target_display=target.display if target else None,
        target_status=target.status if target else None,
        possible_duplicate_of=graffiti.possible_duplicate_of,
        same_wall_of=graffiti.same_wall_of,
    )
