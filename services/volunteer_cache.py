"""The senders of recent updates, remembered in this process so most updates need no query.

Decisions (README, "Speed"):
- Only plain volunteers are kept. Moderators, senior volunteers, curators and administrators
  are read from the database on every update, so every staff action is judged by the role the
  database holds now, in whichever process the role was changed; a volunteer promoted
  meanwhile waits at most `ttl_seconds` for their new commands (the safe direction: it never
  grants).
- Any statement on this engine that writes table `volunteer` (ORM flush, Core update, raw
  SQL: every writer, not a list of them) empties the cache, and nothing is kept until that
  connection is back in the pool, i.e. until the write is committed or rolled back. So in
  this process a change (language, ban, nickname, forget_me…) counts from the next update.
- Another process's change (several bot processes on PostgreSQL) shows within `ttl_seconds`:
  an entry older than that is read again.
"""

import re
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from models.enums import Role
from models.volunteer import Volunteer
from services.actor import Actor, actor_of

_WRITES_VOLUNTEER = re.compile(
    r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?volunteer\b', re.IGNORECASE
)
_PENDING = "volunteer_cache_pending"


@dataclass(frozen=True, slots=True)
class Profile:
    """What Telegram tells about a sender with every update; a change means a write."""

    first_name: str
    username: str | None
    telegram_language: str | None


@dataclass(frozen=True, slots=True)
class _Entry:
    actor: Actor
    profile: Profile
    kept_at: float


class VolunteerCache:
    def __init__(
        self,
        *,
        size: int = 4096,
        ttl_seconds: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.size = size
        self.ttl_seconds = ttl_seconds
        self.clock = clock
        self._entries: OrderedDict[int, _Entry] = OrderedDict()
        # Bumped by every write; a reader keeps what it read only if none came in between.
        self.generation = 0
        self._writes_pending = 0

    def get(self, telegram_id: int, profile: Profile) -> Actor | None:
        """The sender as last read, if that is recent and nothing about them needs a write."""
        entry = self._entries.get(telegram_id)
        if entry is None:
            return None
        if entry.profile != profile or self.clock() - entry.kept_at > self.ttl_seconds:
            del self._entries[telegram_id]
            return None
        self._entries.move_to_end(telegram_id)
        return entry.actor

    def keep(self, volunteer: Volunteer, *, read_at_generation: int) -> None:
        """Remember a row read (and committed) when `generation` was `read_at_generation`."""
        if (
            read_at_generation != self.generation
            or self._writes_pending
            or volunteer.role != Role.VOLUNTEER
            or not volunteer.is_reachable
        ):
            return
        profile = Profile(volunteer.first_name, volunteer.username, volunteer.telegram_language)
        self._entries[volunteer.telegram_id] = _Entry(actor_of(volunteer), profile, self.clock())
        self._entries.move_to_end(volunteer.telegram_id)
        if len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def forget_all(self) -> None:
        self._entries.clear()
        self.generation += 1

    def watch(self, engine: AsyncEngine) -> "VolunteerCache":
        """Forget everything whenever a statement on `engine` writes a volunteer row."""
        sync_engine = engine.sync_engine

        def after_execute(connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            if not _WRITES_VOLUNTEER.match(statement):
                return
            info = connection.info
            if not info.get(_PENDING):
                info[_PENDING] = True
                self._writes_pending += 1
            self.forget_all()

        def settled(_dbapi_connection: Any, record: Any, *_args: Any) -> None:
            # Back in the pool (or thrown away): the write is committed or rolled back, and
            # what is read from now on is what the database holds.
            if record is not None and record.info.pop(_PENDING, False):
                self._writes_pending -= 1
                self.forget_all()

        event.listen(sync_engine, "after_cursor_execute", after_execute)
        for name in ("checkin", "invalidate", "soft_invalidate"):
            event.listen(sync_engine.pool, name, settled)
        return self
