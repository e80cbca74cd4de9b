"""Per-volunteer throttling: how many messages a minute and links an hour one person may send.

Windows are fixed, not sliding: a minute (or an hour) starts on the clock's whole minute (hour)
counted from the Unix epoch, and a counter is kept per volunteer and window. That keeps a
counter to one number under a key that names its window, so a shared store needs one INCRBY
and no clean-up beyond an expiry, and every instance agrees on when a window resets.

For each message the throttle answers one of three things (`Verdict`):
- ADMIT: within both limits; the message is handled as usual.
- NOTIFY: the first message over a limit in this window; the caller tells the volunteer once,
  politely, when they may send again, and handles nothing of the message.
- SILENT: over a limit and already told in this window: nothing is answered or stored.

Once over, a volunteer stays refused until the window resets: refused messages and links are
counted too (a flood does not earn a quieter second half of its window).

Links are counted only for messages the message limit admitted, so a flood of throttled
messages does not eat into the hour's links. A message whose links would pass the hourly
limit is refused whole: nothing half-saved.

The counters live in a `CounterStore`: in memory for one process, in Redis when several
instances share the work (bot/throttle_store.py). This module imports neither aiogram nor
redis; times come from services.clock.utcnow, so tests move them with the frozen clock.
"""

import math
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from services.clock import utcnow

MINUTE = 60
HOUR = 3600
# A key outlives its window by this much, so a slightly slow clock of another instance still
# finds the count; the window index in the key keeps old counts from ever being read again.
EXPIRY_SLACK_S = 60
# An album's parts arrive within a second or two; its shared verdict is kept this long.
ALBUM_TTL_S = 10 * MINUTE
# Added to an album's part count when its first part was refused: later parts are refused too.
_ALBUM_REFUSED = 1_000_000


class CounterStore(Protocol):
    async def add(self, key: str, amount: int, *, ttl_s: int, now: float) -> int:
        """Add `amount` to the counter under `key` (0 when absent or expired) and return the
        new value; the key expires `ttl_s` seconds after `now` (Unix seconds)."""
        ...

    async def first(self, key: str, *, ttl_s: int, now: float) -> bool:
        """True for the first call with `key` until it expires (`ttl_s` after `now`)."""
        ...


class Verdict(Enum):
    ADMIT = "admit"
    NOTIFY = "notify"
    SILENT = "silent"


class Limit(Enum):
    MESSAGES = "msg"
    LINKS = "links"


@dataclass(frozen=True, slots=True)
class Decision:
    verdict: Verdict
    # Which limit refused the message, and in how many whole minutes its window resets
    # (at least 1); None and 0 when admitted.
    limit: Limit | None = None
    retry_minutes: int = 0


ADMITTED = Decision(Verdict.ADMIT)


@dataclass(frozen=True, slots=True)
class ThrottleLimits:
    # 0 turns a limit off.
    messages_per_minute: int = 30
    links_per_hour: int = 200


class Throttle:
    """Counts one volunteer's messages and links and decides; holds no state of its own."""

    def __init__(self, store: CounterStore, limits: ThrottleLimits) -> None:
        self.store = store
        self.limits = limits

    @property
    def enabled(self) -> bool:
        return self.limits.messages_per_minute > 0 or self.limits.links_per_hour > 0

    async def check(self, user_id: int, *, links: int = 0, album: str | None = None) -> Decision:
        """Count a message from `user_id` carrying `links` links, and decide.

        `album`: the message's media group id. The parts of one album (up to ten photos, each
        its own message, handled one at a time per user under aiogram's event isolation) count
        as one message and share the first part's verdict, so the limit never cuts a photo
        report in half; a later part's caption links are still counted.
        """
        now = utcnow().timestamp()
        if album is None:
            return await self._check(user_id, links, now)
        key = f"throttle:album:{user_id}:{album}"
        parts = await self.store.add(key, 1, ttl_s=ALBUM_TTL_S, now=now)
        if parts > _ALBUM_REFUSED:
            return Decision(Verdict.SILENT)
        if parts > 1:
            return await self._check(user_id, links, now, message=False)
        decision = await self._check(user_id, links, now)
        if decision is not ADMITTED:
            await self.store.add(key, _ALBUM_REFUSED, ttl_s=ALBUM_TTL_S, now=now)
        return decision

    async def _check(
        self, user_id: int, links: int, now: float, *, message: bool = True
    ) -> Decision:
        if message and self.limits.messages_per_minute > 0:
            decision = await self._count(
                Limit.MESSAGES, user_id, amount=1, allowed=self.limits.messages_per_minute,
                window_s=MINUTE, now=now,
            )  # fmt: skip
            if decision is not ADMITTED:
                return decision
        if links > 0 and self.limits.links_per_hour > 0:
            return await self._count(
                Limit.LINKS, user_id, amount=links, allowed=self.limits.links_per_hour,
                window_s=HOUR, now=now,
            )  # fmt: skip
        return ADMITTED

    async def _count(
        self, limit: Limit, user_id: int, *, amount: int, allowed: int, window_s: int, now: float
    ) -> Decision:
        window = int(now // window_s)
        ends = (window + 1) * window_s
        ttl_s = math.ceil(ends - now) + EXPIRY_SLACK_S
        key = f"throttle:{limit.value}:{user_id}:{window}"
        if await self.store.add(key, amount, ttl_s=ttl_s, now=now) <= allowed:
            return ADMITTED
        minutes = max(1, math.ceil((ends - now) / 60))
        told = not await self.store.first(f"{key}:told", ttl_s=ttl_s, now=now)
        return Decision(Verdict.SILENT if told else Verdict.NOTIFY, limit, minutes)
