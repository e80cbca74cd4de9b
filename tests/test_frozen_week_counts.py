"""Ended weeks' funnel counts are frozen by the digest run and read back as frozen.

The fixture is tests/support/tally_world.py's two weeks (see tests/test_digest.py): week 46 has
two links and a photo, week 47 five links and three photos.
"""

import pytest
from aiogram.utils.i18n import I18n
from sqlalchemy import delete, func
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.factory import create_bot
from bot.jobs.digest import BulkMessages
from models.digest import FrozenWeekCounts
from models.report import Sighting
from services.digest.build import build_digest, chart_weeks
from services.digest.counts import WeekCounts, freeze_ended_weeks
from services.pacing import PacedSender
from services.tallies import PointWeights
from services.weeks import Week
from tests.support.fake_clock import FakeClock, FrozenClock
from tests.support.tally_world import (
    ScriptedSession,
    almaty,
    fixture_weeks,
    with_digest_chats,
)

W46, W47 = Week(2026, 46), Week(2026, 47)
WEEK_46 = WeekCounts(links=2, photos=1, targets=2, accepted=1, graffiti=1)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    return FrozenClock(monkeypatch, almaty(11, 1))


async def _first_sighting_of_week_46(db: AsyncSession) -> None:
    """What a later merge does to a past week: one of its sightings is gone."""
    first = (
        await db.exec(
            select(Sighting.id)
            .where(col(Sighting.created_at) >= W46.start)
            .order_by(col(Sighting.id))
        )
    ).first()
    await db.exec(delete(Sighting).where(col(Sighting.id) == first))
    await db.commit()


async def test_a_frozen_week_reads_as_it_was_while_the_running_week_stays_live(
    db: AsyncSession, clock: FrozenClock
) -> None:
    await fixture_weeks(db, clock)
    clock.set(almaty(11, 21, 12))  # Saturday of week 47

    assert await freeze_ended_weeks(db, chart_weeks(W47), now=clock.now) == 11
    await db.commit()
    assert await freeze_ended_weeks(db, chart_weeks(W47), now=clock.now) == 0
    kept = (await db.exec(select(FrozenWeekCounts.week))).all()
    assert W46.key in kept
    assert W47.key not in kept  # it has not ended

    await _first_sighting_of_week_46(db)
    digest = await build_digest(db, week=W47, weights=PointWeights())

    assert digest.previous == WEEK_46  # as frozen, though a sighting has gone since
    assert digest.current.links + digest.current.photos == 8  # counted now


async def test_without_frozen_weeks_every_week_is_counted_live(
    db: AsyncSession, clock: FrozenClock
) -> None:
    await fixture_weeks(db, clock)
    await _first_sighting_of_week_46(db)

    digest = await build_digest(db, week=W47, weights=PointWeights())

    assert digest.previous.links + digest.previous.photos == 2


async def test_the_digest_run_freezes_the_chart_weeks_it_reports_on(
    db: AsyncSession,
    clock: FrozenClock,
    settings: Settings,
    session_maker: async_sessionmaker[AsyncSession],
    i18n: I18n,
) -> None:
    await fixture_weeks(db, clock)  # ends on Monday of week 48: week 47's digest is due
    config = with_digest_chats(settings, [(-1001, "en")])
    sender = PacedSender(rate_per_second=1000, clock=FakeClock())
    bulk = BulkMessages(settings=config, session_maker=session_maker, i18n=i18n, sender=sender)

    report = await bulk.run_digest(bot=create_bot(config, ScriptedSession()), week=W47)

    assert report.chats == 1
    frozen = {row.week: row for row in (await db.exec(select(FrozenWeekCounts))).all()}
    assert sorted(frozen) == sorted(w.key for w in chart_weeks(W47))
    assert (frozen[W46.key].links, frozen[W46.key].photos, frozen[W46.key].targets) == (2, 1, 2)
    week_47 = frozen[W47.key]
    assert (week_47.links, week_47.photos, week_47.blocked, week_47.painted_over) == (5, 3, 2, 1)
    count = (await db.exec(select(func.count()).select_from(FrozenWeekCounts))).one()
    assert count == 12
