"""Everything the weekly digest says, gathered from the database for one week."""

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from services.digest.counts import WeekCounts, weekly_counts
from services.digest.facts import DistrictCount, graffiti_by_district, median_days_to_block
from services.leaderboard import Board, board_from, points_of
from services.probe.observed import median_days_observed
from services.tallies import PointWeights, Tally, tallies
from services.weeks import Week

CHART_WEEKS = 12


@dataclass(frozen=True, slots=True)
class Digest:
    week: Week
    current: WeekCounts
    previous: WeekCounts
    median_days: float | None
    # Sent → blocked as the checks saw it (services/probe/observed.py); None: none this week.
    median_days_observed: float | None
    districts: list[DistrictCount]
    top: Board
    # Oldest first, ending with `week`: the chart's twelve points.
    history: list[tuple[Week, WeekCounts]]
    # Every volunteer's tally of the week (reused for the personal messages).
    tallies: dict[int, Tally]


@dataclass(frozen=True, slots=True)
class PersonalNumbers:
    """Every volunteer's numbers for the personal weekly message."""

    week: dict[int, Tally]
    all_time: dict[int, Tally]

    def points(self, *, all_time: bool) -> dict[int, int]:
        source = self.all_time if all_time else self.week
        return {volunteer_id: tally.points for volunteer_id, tally in source.items()}


def chart_weeks(week: Week) -> list[Week]:
    """The chart's twelve weeks, oldest first, ending with `week`."""
    return [week.shifted(offset) for offset in range(1 - CHART_WEEKS, 1)]


async def build_digest(session: AsyncSession, *, week: Week, weights: PointWeights) -> Digest:
    weeks = chart_weeks(week)
    counts = await weekly_counts(session, weeks)
    week_tallies = await tallies(session, weights=weights, since=week.start, until=week.end)
    return Digest(
        week=week,
        current=counts[week.key],
        previous=counts[week.previous().key],
        median_days=await median_days_to_block(session, week),
        median_days_observed=await median_days_observed(session, week),
        districts=await graffiti_by_district(session, week),
        top=await board_from(session, points_of(week_tallies), limit=10),
        history=[(w, counts[w.key]) for w in weeks],
        tallies=week_tallies,
    )


async def personal_numbers(
    session: AsyncSession,
    *,
    week: Week,
    weights: PointWeights,
    week_tallies: dict[int, Tally] | None = None,
) -> PersonalNumbers:
    if week_tallies is None:
        week_tallies = await tallies(session, weights=weights, since=week.start, until=week.end)
    return PersonalNumbers(
        week=week_tallies, all_time=await tallies(session, weights=weights, until=week.end)
    )
