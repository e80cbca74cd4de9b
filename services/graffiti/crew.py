"""Crew batches: the walls waiting for a crew, as CSV, XLSX and GeoJSON, then marked assigned.

Exports go outside the project (district akimats' crews), so they carry the wall, never who
reported it: no volunteer id, name or username appears in any column.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_
from sqlmodel import col, or_, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import saved_id
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


def _crew_district(graffiti: Graffiti, report: Report) -> District | None:
    """An assigned wall belongs to its crew's district; a waiting one to where it is."""
    if report.status == ReportStatus.ASSIGNED:
        return graffiti.assigned_district
    return graffiti.district or graffiti.assigned_district


async def waiting_walls(session: AsyncSession, *, district: District | None) -> list[CrewRow]:
    """Walls for the crews: accepted or reappeared ones, and those assigned (with /assign)
    that no crew file has carried yet."""
    statement = (
        select(Graffiti, Report)
        .join(Report, col(Report.id) == col(Graffiti.report_id))
        .where(
            or_(
                col(Report.status).in_(WAITING),
                and_(
                    col(Report.status) == ReportStatus.ASSIGNED,
                    col(Graffiti.crew_file_due).is_(True),
                ),
            )
        )
        .order_by(col(Graffiti.district), col(Report.id))
    )
    rows = []
    for graffiti, report in (await session.exec(statement)).all():
        crew = _crew_district(graffiti, report)
        if district is not None and crew != district:
            continue
        located = graffiti.latitude is not None and graffiti.longitude is not None
        rows.append(
            CrewRow(
                report_id=graffiti.report_id,
                district=crew,
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
    rows: Sequence[CrewRow],
    header: Sequence[str],
    district_names: dict[District, str],
    *,
    sheet_title: str,
) -> tuple[bytes, bytes, bytes]:
    """CSV (UTF-8 with BOM), XLSX and GeoJSON of the same rows, in the reader's language."""
    cells = table(rows, district_names)
    return (
        to_csv(header, cells),
        to_xlsx(header, cells, title=sheet_title),
        geojson(rows, district_names),
    )


def geojson(rows: Sequence[CrewRow], district_names: dict[District, str]) -> bytes:
    """A FeatureCollection of the located walls (GeoJSON is longitude first)."""
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [row.longitude, row.latitude]},
            "properties": {
                "report": f"#{row.report_id}",
                "district": district_names[row.district] if row.district else None,
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

    A wall that changed status meanwhile (another moderator acted) is refused, not forced; a
    wall already assigned with /assign only records that a file carried it.
    """
    ids = [row.report_id for row in rows]
    # One transaction with the file's mark below: committed apart, the walls were for a moment
    # assigned, unclaimed and still due a file, and another moderator's /graffiti_batch took
    # them again (services/graffiti/crew_files.py `_still_waiting`).
    result = await assign(
        session, report_ids=ids, district=district, actor_id=actor_id, require_district=False,
        commit=False,
    )  # fmt: skip
    carried = [saved_id(report) for report in result.changed]
    carried += [r.report_id for r in result.refused if r.status == ReportStatus.ASSIGNED]
    result.refused = [r for r in result.refused if r.status != ReportStatus.ASSIGNED]
    await session.exec(
        update(Graffiti).where(col(Graffiti.report_id).in_(carried)).values(crew_file_due=False)
    )
    await session.commit()
    return result
