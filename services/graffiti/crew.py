"""Crew batches: the walls waiting for a crew, as CSV, XLSX and GeoJSON, then marked assigned.

Exports go outside the project (district akimats' crews), so they carry the wall, never who
reported it: no volunteer id, name or username appears in any column.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import District, ReportStatus
from models.graffiti import Graffiti
from models.report import Report
from services.clock import to_almaty
from services.graffiti.finish import describe_place
from services.graffiti.geo import map_link
from services.graffiti.street import assign
from services.lifecycle import TransitionResult
from services.spreadsheets import Cell, to_csv, to_xlsx

# Reappeared walls need painting again, so they are waiting for a crew too.
WAITING = (ReportStatus.ACCEPTED, ReportStatus.REAPPEARED)


@dataclass(frozen=True, slots=True)
class CrewRow:
    report_id: int
    district: District | None
    place: str
    latitude: float | None
    longitude: float | None
    map_url: str
    handle: str
    first_seen: datetime


async def waiting_walls(session: AsyncSession, *, district: District | None) -> list[CrewRow]:
    statement = (
        select(Graffiti, Report)
        .join(Report, col(Report.id) == col(Graffiti.report_id))
        .where(col(Report.status).in_(WAITING))
        .order_by(col(Graffiti.district), col(Report.id))
    )
    if district is not None:
        statement = statement.where(
            or_(Graffiti.district == district, Graffiti.assigned_district == district)
        )
    rows = []
    for graffiti, report in (await session.exec(statement)).all():
        located = graffiti.latitude is not None and graffiti.longitude is not None
        rows.append(
            CrewRow(
                report_id=graffiti.report_id,
                district=graffiti.district or graffiti.assigned_district,
                place=describe_place(
                    address=graffiti.address,
                    latitude=graffiti.latitude,
                    longitude=graffiti.longitude,
                ),
                latitude=graffiti.latitude,
                longitude=graffiti.longitude,
                map_url=map_link(graffiti.latitude, graffiti.longitude)  # type: ignore[arg-type]
                if located
                else "",
                handle=graffiti.handle_text or "",
                first_seen=report.created_at,
            )
        )
    return rows


def table(rows: Sequence[CrewRow], district_names: dict[District, str]) -> list[list[Cell]]:
    """Row number, #N, district, address or coordinates, map link, handle, first seen."""
    return [
        [
            number,
            f"#{row.report_id}",
            district_names[row.district] if row.district else "",
            row.place,
            row.map_url,
            row.handle,
            to_almaty(row.first_seen),
        ]
        for number, row in enumerate(rows, start=1)
    ]


def crew_files(
    rows: Sequence[CrewRow], header: Sequence[str], district_names: dict[District, str]
) -> tuple[bytes, bytes, bytes]:
    """CSV (UTF-8 with BOM), XLSX and GeoJSON of the same rows."""
    cells = table(rows, district_names)
    return to_csv(header, cells), to_xlsx(header, cells, title="Graffiti"), geojson(rows)


def geojson(rows: Sequence[CrewRow]) -> bytes:
    """A FeatureCollection of the located walls (GeoJSON is longitude first)."""
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [row.longitude, row.latitude]},
            "properties": {
                "report": f"#{row.report_id}",
                "district": row.district.value if row.district else None,
                "address": row.place,
                "handle": row.handle,
                "first_seen": to_almaty(row.first_seen).isoformat(timespec="minutes"),
            },
        }
        for row in rows
        if row.latitude is not None and row.longitude is not None
    ]
    document = {"type": "FeatureCollection", "features": features}
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


async def mark_delivered(
    session: AsyncSession,
    *,
    rows: Sequence[CrewRow],
    district: District | None,
    actor_id: int,
) -> TransitionResult:
    """After every file reached the moderator: the walls are assigned to their district's crew.

    A wall that changed status meanwhile (another moderator acted) is refused, not forced.
    """
    return await assign(
        session,
        report_ids=[row.report_id for row in rows],
        district=district,
        actor_id=actor_id,
        require_district=False,
    )
