"""Throttling shared through Redis: two dispatchers ("instances") on one Redis count together.

Runs only when TEST_REDIS_URL points at a Redis server (bash .ci/run sets it).
"""

import os
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from aiogram import Bot, Dispatcher
from aiogram.fsm.storage.redis import RedisStorage
from aiogram.utils.i18n import I18n
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.factory import create_dispatcher
from bot.throttle_store import RedisCounters
from models.report import Sighting
from tests.support.client import BotClient, texts
from tests.support.fake_clock import FrozenClock
from tests.support.recording_session import RecordingSession
from tests.support.report_setup import count

REDIS_URL = os.environ.get("TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set")

START = datetime(2026, 11, 2, 10, 0, 10, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    return FrozenClock(monkeypatch, START)


@pytest.fixture
async def two_instances(
    settings: Settings, session_maker: async_sessionmaker[AsyncSession], i18n: I18n
) -> AsyncIterator[tuple[Dispatcher, Dispatcher]]:
    scaled = settings.model_copy(
        update={
            "redis": settings.redis.model_copy(update={"url": REDIS_URL}),
            "throttle": settings.throttle.model_copy(
                update={"messages_per_minute": 3, "links_per_hour": 4}
            ),
        }
    )
    first = create_dispatcher(settings=scaled, session_maker=session_maker, i18n=i18n)
    second = create_dispatcher(settings=scaled, session_maker=session_maker, i18n=i18n)
    yield first, second
    for dispatcher in (first, second):
        await dispatcher.storage.close()
        await dispatcher.fsm.events_isolation.close()


def clients(
    instances: tuple[Dispatcher, Dispatcher], bot: Bot, fake_session: RecordingSession
) -> tuple[BotClient, BotClient]:
    # A fresh user a run: the counts of an earlier run in the same minute are still in Redis.
    user = 100_000 + uuid.uuid4().int % 10**8
    first, second = (BotClient(d, bot, fake_session) for d in instances)
    return first.as_user(user, language_code="en"), second.as_user(user, language_code="en")


async def test_two_instances_share_the_message_count(
    two_instances: tuple[Dispatcher, Dispatcher],
    bot: Bot,
    fake_session: RecordingSession,
    clock: FrozenClock,
) -> None:
    assert isinstance(two_instances[0].storage, RedisStorage)
    here, there = clients(two_instances, bot, fake_session)
    for client in (here, there, here):
        assert texts(await client.send("hello")) != []
    [notice] = texts(await there.send("hello"))
    assert "too fast" in notice
    assert await here.send("hello") == []  # told once, by either instance
    assert await there.send("hello") == []
    clock.set(START + timedelta(minutes=1))
    assert texts(await here.send("hello")) != []


async def test_two_instances_share_the_link_count(
    two_instances: tuple[Dispatcher, Dispatcher],
    bot: Bot,
    fake_session: RecordingSession,
    db: AsyncSession,
    clock: FrozenClock,
) -> None:
    here, there = clients(two_instances, bot, fake_session)
    await here.send("t.me/shop_one t.me/shop_two")
    clock.set(START + timedelta(minutes=1))  # a new minute: only the link count is over
    await there.send("t.me/shop_three t.me/shop_four")
    [notice] = texts(await here.send("t.me/shop_five"))
    assert "a lot of links" in notice
    assert await count(db, Sighting) == 4


@pytest.mark.usefixtures("clock")
async def test_the_keys_expire_after_their_window(
    two_instances: tuple[Dispatcher, Dispatcher], bot: Bot, fake_session: RecordingSession
) -> None:
    here, _ = clients(two_instances, bot, fake_session)
    for _ in range(4):
        await here.send("t.me/some_shop")
    storage = two_instances[0].storage
    assert isinstance(storage, RedisStorage)
    keys = [key async for key in storage.redis.scan_iter(f"throttle:*:{here.user_id}:*")]
    assert len(keys) == 3  # messages, links, and the messages' notice
    for key in keys:
        ttl = await storage.redis.ttl(key)
        # What is left of the window (50 s of the minute, 59 min 50 s of the hour) and a
        # minute's slack for another instance's clock.
        left = 50 if b":msg:" in key else 3590
        assert left < ttl <= left + 60, (key, ttl)


async def test_redis_counters_count_and_tell_once() -> None:
    assert REDIS_URL is not None
    redis = Redis.from_url(REDIS_URL)
    try:
        counters = RedisCounters(redis)
        key = f"throttle:test:{uuid.uuid4().hex}"
        assert await counters.add(key, 2, ttl_s=30, now=0) == 2
        assert await counters.add(key, 3, ttl_s=30, now=0) == 5
        assert 0 < await redis.ttl(key) <= 30
        assert await counters.first(f"{key}:told", ttl_s=30, now=0)
        assert not await counters.first(f"{key}:told", ttl_s=30, now=0)
        assert 0 < await redis.ttl(f"{key}:told") <= 30
        await redis.delete(key, f"{key}:told")
    finally:
        await redis.aclose()
