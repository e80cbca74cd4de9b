"""Scale-out: two bot processes built from one config share conversation state through Redis.

Runs only when TEST_REDIS_URL points at a Redis server (bash .ci/run sets it).
"""

import os
import uuid

import pytest
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.redis import RedisStorage
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.factory import create_dispatcher

REDIS_URL = os.environ.get("TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set")


async def test_two_dispatchers_share_conversations(
    settings: Settings, session_maker: async_sessionmaker[AsyncSession], i18n: I18n
) -> None:
    scaled = settings.model_copy(
        update={"redis": settings.redis.model_copy(update={"url": REDIS_URL})}
    )
    first = create_dispatcher(settings=scaled, session_maker=session_maker, i18n=i18n)
    second = create_dispatcher(settings=scaled, session_maker=session_maker, i18n=i18n)
    try:
        assert isinstance(first.storage, RedisStorage)
        user = int(uuid.uuid4().int % 10**9)
        key = StorageKey(bot_id=42, chat_id=user, user_id=user)
        await first.storage.set_state(key, "graffiti:waiting_place")
        await first.storage.set_data(key, {"draft": 7})
        assert await second.storage.get_state(key) == "graffiti:waiting_place"
        assert await second.storage.get_data(key) == {"draft": 7}
        await second.storage.set_state(key, None)
        assert await first.storage.get_state(key) is None
    finally:
        for dispatcher in (first, second):
            await dispatcher.storage.close()
            await dispatcher.fsm.events_isolation.close()
