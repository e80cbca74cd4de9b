"""Where the throttle's counters live (services/throttle.py): memory for one process, Redis
when several instances share the work, next to aiogram's conversation state."""

from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.redis import RedisStorage
from redis.asyncio import Redis

from bot.config import Settings
from services.throttle import CounterStore, Throttle, ThrottleLimits

# Expired counters are dropped in one sweep at most this often (seconds), or when there are
# more than MAX_KEYS of them: a sweep is a pass over the dict, so not on every message.
SWEEP_EVERY_S = 60
MAX_KEYS = 100_000


class MemoryCounters:
    """Counters in a dict, with expiry: one process only."""

    def __init__(self) -> None:
        self._counts: dict[str, tuple[int, float]] = {}  # key -> (value, expires at)
        self._next_sweep = 0.0

    async def add(self, key: str, amount: int, *, ttl_s: int, now: float) -> int:
        self._sweep(now)
        value, expires = self._counts.get(key, (0, 0.0))
        if expires <= now:
            value = 0
        value += amount
        self._counts[key] = (value, now + ttl_s)
        return value

    async def first(self, key: str, *, ttl_s: int, now: float) -> bool:
        self._sweep(now)
        found = self._counts.get(key)
        if found is not None and found[1] > now:
            return False
        self._counts[key] = (1, now + ttl_s)
        return True

    def _sweep(self, now: float) -> None:
        if now < self._next_sweep and len(self._counts) < MAX_KEYS:
            return
        self._next_sweep = now + SWEEP_EVERY_S
        self._counts = {key: entry for key, entry in self._counts.items() if entry[1] > now}

    def __len__(self) -> int:
        return len(self._counts)


class RedisCounters:
    """Counters shared by every instance on one Redis: INCRBY and EXPIRE in one transaction
    (one round trip), SET NX EX for "first".

    A Redis outage is not hidden here: the update fails as it would anyway, since the
    conversation state and aiogram's event lock live on the same Redis."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    # `now` is unused: Redis keeps its own time for expiry, and the window is in the key.
    async def add(self, key: str, amount: int, *, ttl_s: int, now: float) -> int:  # noqa: ARG002
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incrby(key, amount)
            pipe.expire(key, ttl_s)
            value, _ = await pipe.execute()
        return int(value)

    async def first(self, key: str, *, ttl_s: int, now: float) -> bool:  # noqa: ARG002
        return bool(await self.redis.set(key, 1, nx=True, ex=ttl_s))


def create_throttle(settings: Settings, storage: BaseStorage) -> Throttle:
    """On the conversation storage's Redis connection when there is one, else in memory."""
    store: CounterStore = (
        RedisCounters(storage.redis) if isinstance(storage, RedisStorage) else MemoryCounters()
    )
    return Throttle(
        store,
        ThrottleLimits(
            messages_per_minute=settings.throttle.messages_per_minute,
            links_per_hour=settings.throttle.links_per_hour,
        ),
    )
