"""The one definition of "reported by N volunteers": the distinct volunteers with a sighting of
the report (the finder included). The queue card, `/report` and the batch file all show it."""

from collections.abc import Sequence

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.report import Sighting


async def reported_by(session: AsyncSession, report_ids: Sequence[int]) -> dict[int, int]:
    """Report id → number of volunteers who reported it (absent ids: nobody, 0)."""
    if not report_ids:
        return {}
    rows = await session.exec(
        select(Sighting.report_id, func.count(func.distinct(Sighting.volunteer_id)))
        .where(col(Sighting.report_id).in_(list(report_ids)))
        .group_by(col(Sighting.report_id))
    )
    return dict(rows.all())


async def reported_by_one(session: AsyncSession, report_id: int) -> int:
    return (await reported_by(session, [report_id])).get(report_id, 0)
