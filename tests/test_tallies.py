"""Tallies and points: what each kind of sighting earns, the daily cap, accuracy, /stats."""

import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import saved_id
from models.enums import ReportStatus
from services.tallies import PointWeights, Tally, rank_of, ranks, tallies, volunteer_tally
from tests.support.client import BotClient, text
from tests.support.fake_clock import FrozenClock
from tests.support.tally_world import (
    almaty,
    fixture_weeks,
    make_volunteer,
    move,
    send_links,
)

S = ReportStatus


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    return FrozenClock(monkeypatch, almaty(11, 1))


async def test_fixture_tallies_all_time(db: AsyncSession, clock: FrozenClock) -> None:
    people = await fixture_weeks(db, clock)
    found = await tallies(db, weights=PointWeights())
    by_name = {name: found.get(saved_id(p), Tally(saved_id(p))) for name, p in people.items()}

    a = by_name["a"]
    assert (a.links, a.found_first, a.confirmations, a.accepted, a.blocked) == (2, 2, 0, 2, 1)
    assert a.points == 13  # blocked find 10 + accepted find 3
    b = by_name["b"]
    assert (b.links, b.found_first, b.confirmations, b.points) == (2, 1, 1, 11)
    c = by_name["c"]
    assert (c.accepted, c.rejected, c.points, c.accuracy) == (1, 1, 1, 0.5)
    d = by_name["d"]
    assert (d.links, d.confirmations, d.blocked, d.points) == (1, 1, 1, 0)
    g = by_name["g"]
    assert (g.photos, g.links, g.painted_over, g.accepted, g.points) == (4, 0, 1, 4, 19)
    assert by_name["mod"].points == 0
    assert by_name["mod"].accuracy is None


async def test_weights_are_configurable(db: AsyncSession, clock: FrozenClock) -> None:
    people = await fixture_weeks(db, clock)
    weights = PointWeights(found_blocked=100, found_accepted=0, confirmation=0, daily_cap=1000)
    b = await volunteer_tally(db, volunteer_id=saved_id(people["b"]), weights=weights)
    assert b.points == 100


async def test_daily_cap_stops_farming(db: AsyncSession, clock: FrozenClock) -> None:
    mod = await make_volunteer(db, 1)
    farmer = await make_volunteer(db, 2)
    clock.set(almaty(11, 2, 10))
    day_one = await send_links(db, farmer, *(f"t.me/farm_shop_{i}" for i in range(5)))
    clock.set(almaty(11, 3, 10))
    day_two = await send_links(db, farmer, "t.me/farm_shop_next")
    clock.set(almaty(11, 4, 10))
    await move(db, [*day_one, *day_two], S.ACCEPTED, mod)
    await move(db, [*day_one, *day_two], S.SENT, mod)
    await move(db, [*day_one, *day_two], S.BLOCKED, mod)
    tally = await volunteer_tally(db, volunteer_id=saved_id(farmer), weights=PointWeights())
    assert tally.points == 30 + 10  # five blocked finds capped at 30 on day one, one on day two
    week = await volunteer_tally(
        db, volunteer_id=saved_id(farmer), weights=PointWeights(),
        since=almaty(11, 3, 0), until=almaty(11, 4, 0),
    )  # fmt: skip
    assert week.points == 10


def test_ranks_share_places() -> None:
    points = {1: 10, 2: 30, 3: 10, 4: 0, 5: 5}
    assert ranks(points) == {2: 1, 1: 2, 3: 2, 5: 4}
    assert rank_of(points, 3) == 2
    assert rank_of(points, 4) is None


async def test_stats_shows_tally_and_rank(client: BotClient) -> None:
    await client.send("t.me/first_find_a t.me/first_find_b")
    other = client.as_user(3002, language_code="en")
    await other.send("t.me/first_find_a t.me/own_find")
    reply = text(await other.send("/stats"))
    assert "Links sent: 2" in reply  # the lines /stats always had
    assert "Accepted: 0, rejected: 0" in reply
    assert "Points: 0 (this week: 0)" in reply
