"""Conversation state (FSM) storage: in memory on one machine, Redis when scaled out.

With Redis, several bot processes (webhook workers) share conversations, and the per-user
event lock is shared too, so one user's updates are still handled one at a time.
"""

from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage
from aiogram.fsm.storage.memory import MemoryStorage, SimpleEventIsolation
from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage

from bot.config import Settings


def create_fsm_storage(settings: Settings) -> tuple[BaseStorage, BaseEventIsolation]:
    # Handling one user's updates in order matters here: the parts of a photo album, or a
    # reason typed right after pressing "Reject", must not race each other.
    if not settings.redis.url:
        return MemoryStorage(), SimpleEventIsolation()
    storage = RedisStorage.from_url(settings.redis.url)
    return storage, RedisEventIsolation(redis=storage.redis)
