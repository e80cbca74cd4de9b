"""A volunteer's standing, as /stats shows it: counts, tally, points this week, place."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from services.clock import utcnow
from services.my_reports import VolunteerStats, volunteer_stats
from services.tallies import PointWeights, Tally, rank_of, tallies
from services.weeks import Week


@dataclass(frozen=True, slots=True)
class Standing:
    stats: VolunteerStats
    tally: Tally
    week_points: int
    rank: int | None  # None without points
    ranked: int  # how many volunteers have points (the "of N" in the place)


async def standing(
    session: AsyncSession,
    *,
    volunteer_id: int,
    weights: PointWeights,
    now: datetime | None = None,
) -> Standing:
    """The place is among everyone, so the tallies of all volunteers are computed (one query)."""
    week = Week.of(now or utcnow())
    everyone = await tallies(session, weights=weights)
    this_week = await tallies(session, weights=weights, since=week.start, until=week.end)
    points = {v: t.points for v, t in everyone.items()}
    week_tally = this_week.get(volunteer_id)
    return Standing(
        stats=await volunteer_stats(session, volunteer_id=volunteer_id),
        tally=everyone.get(volunteer_id, Tally(volunteer_id)),
        week_points=week_tally.points if week_tally is not None else 0,
        rank=rank_of(points, volunteer_id),
        ranked=sum(1 for p in points.values() if p > 0),
    )
