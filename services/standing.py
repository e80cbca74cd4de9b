"""A volunteer's standing, as /stats shows it: counts, tally, points this week, place."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from services.clock import utcnow
from services.my_reports import VolunteerStats, volunteer_stats
from services.tallies import PointWeights, Tally, points_by_volunteer, rank_of, tallies
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
    """The place is among everyone: their all-time points are kept, one row per volunteer."""
    week = Week.of(now or utcnow())
    mine = [volunteer_id]
    everyone = await points_by_volunteer(session, weights=weights)
    this_week = await tallies(
        session, weights=weights, since=week.start, until=week.end, volunteer_ids=mine
    )
    all_time = await tallies(session, weights=weights, volunteer_ids=mine)
    week_tally = this_week.get(volunteer_id)
    return Standing(
        stats=await volunteer_stats(session, volunteer_id=volunteer_id),
        tally=all_time.get(volunteer_id, Tally(volunteer_id)),
        week_points=week_tally.points if week_tally is not None else 0,
        rank=rank_of(everyone, volunteer_id),
        ranked=sum(1 for p in everyone.values() if p > 0),
    )
