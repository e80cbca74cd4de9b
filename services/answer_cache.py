"""A few seconds' memory of an expensive answer, per key, shared by requests that overlap.

/stats is the one answer volunteers repeat: after the weekly digest thousands check their place,
many of them twice. Within `ttl` the second request gets the first one's answer; a request made
while the same key is still being computed waits for that computation instead of starting
another. The answer may be up to `ttl` old — for a tally that moves a few times a day, that is
invisible.

Times come from services.clock.utcnow, so tests move them with the frozen clock.
"""

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from services.clock import utcnow

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

# Entries are dropped when they expire and are read again, and all at once past this many.
MAX_ENTRIES = 10_000


class AnswerCache(Generic[K, V]):
    def __init__(self, *, ttl: timedelta) -> None:
        self.ttl = ttl
        self._answers: dict[K, tuple[datetime, V]] = {}
        self._running: dict[K, asyncio.Future[V]] = {}

    async def get(self, key: K, compute: Callable[[], Awaitable[V]]) -> V:
        kept = self._answers.get(key)
        if kept is not None and utcnow() - kept[0] < self.ttl:
            return kept[1]
        running = self._running.get(key)
        if running is not None:
            # shield: one waiter cancelled must not cancel the computation the others await.
            return await asyncio.shield(running)
        future: asyncio.Future[V] = asyncio.get_running_loop().create_future()
        self._running[key] = future
        try:
            value = await compute()
        except asyncio.CancelledError:
            future.cancel()
            raise
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # retrieved: no "never retrieved" warning when nobody waits
            raise
        finally:
            del self._running[key]
        future.set_result(value)
        if len(self._answers) >= MAX_ENTRIES:
            self._answers.clear()
        self._answers[key] = (utcnow(), value)
        return value
