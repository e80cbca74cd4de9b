"""The bot's first start is recorded once; no digest is posted for a week that ended before it."""

import pytest
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.factory import create_bot
from bot.jobs.digest import BulkMessages, weekly_digest
from bot.jobs.runner import JobRunner
from services.digest.deliveries import DigestRunReport
from services.first_start import first_start, record_first_start
from services.pacing import PacedSender
from tests.support.accounts import ADMIN_ID
from tests.support.client import BotClient, texts
from tests.support.fake_clock import FakeClock, FrozenClock
from tests.support.tally_world import (
    ScriptedSession,
    almaty,
    make_volunteer,
    send_links,
    with_digest_chats,
)
from tests.support.telegram_ids import tg_id

CHANNEL = -1_005_000_000_777


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    return FrozenClock(monkeypatch, almaty(11, 24, 9))


@pytest.fixture
def posted(
    settings: Settings, session_maker: async_sessionmaker[AsyncSession], i18n: I18n,
    clock: FrozenClock,
) -> tuple[JobRunner, ScriptedSession]:  # fmt: skip
    """The weekly scheduler on the frozen clock, and the session that records what it posted."""
    settings = with_digest_chats(settings, [(CHANNEL, "ru")])
    bulk = BulkMessages(settings=settings, session_maker=session_maker, i18n=i18n,
                        sender=PacedSender(rate_per_second=1000, clock=FakeClock()))  # fmt: skip
    session = ScriptedSession()
    bot = create_bot(settings, session)
    runner = JobRunner(clock=clock)
    runner.add(weekly_digest(bot=bot, bulk=bulk, settings=settings))
    return runner, session


async def test_first_week_after_a_fresh_start_is_not_posted(
    db: AsyncSession, clock: FrozenClock, posted: tuple[JobRunner, ScriptedSession]
) -> None:
    # Installed on Monday morning, before the digest hour: last week predates the bot.
    started = await record_first_start(db, now=clock.now)
    assert started == almaty(11, 24, 9)
    runner, session = posted
    person = await make_volunteer(db, tg_id(110001))
    await send_links(db, person, "t.me/first_week_shop")

    clock.set(almaty(11, 24, 10, 5))
    report = await runner.run_once("weekly-digest")
    assert isinstance(report, DigestRunReport)
    assert report.predates_bot
    assert session.delivered == []

    # The next week is the bot's own: it is posted.
    clock.set(almaty(12, 1, 10, 5))
    report = await runner.run_once("weekly-digest")
    assert isinstance(report, DigestRunReport)
    assert not report.predates_bot
    assert any(getattr(m, "chat_id", None) == CHANNEL for m in session.delivered)


async def test_first_start_is_recorded_once_and_dates_back_to_old_data(
    db: AsyncSession, clock: FrozenClock
) -> None:
    clock.set(almaty(11, 2))
    await make_volunteer(db, tg_id(110002))  # a database from before the record existed
    assert await first_start(db) is None
    assert await record_first_start(db, now=almaty(11, 24, 9)) == almaty(11, 2)
    assert await record_first_start(db, now=almaty(12, 24)) == almaty(11, 2)


async def test_digest_now_says_the_week_predates_the_bot(
    db: AsyncSession, client: BotClient, clock: FrozenClock
) -> None:
    await record_first_start(db, now=clock.now)
    replies = texts(await client.as_user(ADMIN_ID, language_code="en").send("/digest_now"))
    assert "not running yet" in replies[-1]
