"""A volunteer's standing (/stats) and a squad's statistics, as plain values from one call."""

import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import saved_id
from services import squads
from services.squad_stats import curated_squad_stats
from services.standing import standing
from services.tallies import PointWeights
from tests.support.fake_clock import FrozenClock
from tests.support.tally_world import almaty, fixture_weeks


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    return FrozenClock(monkeypatch, almaty(11, 1))


async def test_standing_counts_points_this_week_and_place(
    db: AsyncSession, clock: FrozenClock
) -> None:
    people = await fixture_weeks(db, clock)
    b = await standing(
        db, volunteer_id=saved_id(people["b"]), weights=PointWeights(), now=almaty(11, 20)
    )
    assert (b.stats.links_sent, b.stats.found_first, b.stats.confirmations) == (2, 1, 1)
    assert (b.tally.points, b.week_points) == (11, 11)  # all of it sent in week 47
    assert (b.rank, b.ranked) == (3, 4)  # after Gulnara (19) and Aruzhan (13)
    moderator = await standing(db, volunteer_id=saved_id(people["mod"]), weights=PointWeights())
    assert (moderator.tally.points, moderator.week_points, moderator.rank) == (0, 0, None)


async def test_squad_stats_for_its_curators_only(db: AsyncSession, clock: FrozenClock) -> None:
    people = await fixture_weeks(db, clock)
    squad = await squads.create_squad(db, name="College 5", created_by_id=saved_id(people["mod"]))
    assert squad is not None
    for name in ("a", "b"):
        await squads.join(db, volunteer_id=saved_id(people[name]), code=squad.code)
    await squads.add_curator(db, squad=squad, volunteer=people["c"])

    assert (
        await curated_squad_stats(db, curator_id=saved_id(people["d"]), weights=PointWeights())
        == []
    )
    (shown,) = await curated_squad_stats(
        db, curator_id=saved_id(people["c"]), weights=PointWeights(), now=almaty(11, 20)
    )
    assert (shown.name, shown.code, shown.members) == ("College 5", squad.code, 2)
    assert (shown.all_time.links, shown.all_time.points, shown.all_time.closed) == (4, 24, 3)
    assert (shown.this_week.links, shown.this_week.points) == (2, 11)  # Bakhyt's week-47 links
    assert [row.points for row in shown.all_time.board.rows] == [13, 11]
