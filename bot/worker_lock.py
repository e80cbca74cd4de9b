"""The worker lock: on PostgreSQL one process at a time does the background work.

A session-level advisory lock (`pg_try_advisory_lock`) taken on a connection of its own and
kept open while the process works. PostgreSQL lets go of it when that connection ends — the
process exited, was killed, or its host fell off the network (once the server notices) — so a
standby asking again takes over. Advisory locks belong to one database: two deployments on one
server do not block each other.

Time goes through an injected clock (bot/jobs/runner.py `Clock`): tests step the standby's
retries and the connection checks without sleeping.
"""

import asyncio
import logging

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from bot.jobs.runner import Clock, SystemClock

logger = logging.getLogger(__name__)

# Any constant: the bot takes no other advisory lock under it (models/migrate.py has its own).
LOCK_KEY = 0x63766277  # "cvbw"
# A check of the lock's connection that takes longer than this counts as a lost connection.
CHECK_TIMEOUT = 10.0


class WorkerLock:
    def __init__(
        self,
        database_url: str,
        *,
        retry_seconds: float,
        clock: Clock | None = None,
        key: int = LOCK_KEY,
    ) -> None:
        # No pool: the lock's connection is this object's alone, and closing it must close it.
        self._engine: AsyncEngine = create_async_engine(
            database_url, poolclass=NullPool, isolation_level="AUTOCOMMIT"
        )
        self.retry_seconds = retry_seconds
        self.clock: Clock = clock or SystemClock()
        self.key = key
        self.connection: AsyncConnection | None = None
        # Said once per outage, not at every retry.
        self._unreachable = False

    async def acquire(self) -> None:
        """Return once this process holds the lock; until then stand by, asking again every
        `retry_seconds` (one log line when standing by begins)."""
        standing_by = False
        while not await self._try():
            if not standing_by:
                logger.info(
                    "standing by: another worker holds the worker lock; asking again every %s s",
                    self.retry_seconds,
                )
                standing_by = True
            await self.clock.sleep(self.retry_seconds)
        logger.info("worker lock taken: this process does the background work")

    async def lost(self) -> None:
        """Return when the lock's connection is gone: checked every `retry_seconds`."""
        while True:
            await self.clock.sleep(self.retry_seconds)
            if not await self._alive():
                await self._drop()
                return

    async def release(self) -> None:
        """Closing the connection lets go of the lock."""
        await self._drop()

    async def dispose(self) -> None:
        await self._drop()
        await self._engine.dispose()

    async def _try(self) -> bool:
        try:
            if self.connection is None:
                self.connection = await self._engine.connect()
            taken = await self.connection.scalar(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}
            )
        except (OSError, DBAPIError) as error:
            # The database is away: stand by as if another held the lock, and ask again later.
            if not self._unreachable:
                logger.warning(
                    "worker lock: the database did not answer (%s); asking again every %s s",
                    type(error).__name__,
                    self.retry_seconds,
                )
                self._unreachable = True
            await self._drop()
            return False
        self._unreachable = False
        return bool(taken)

    async def _alive(self) -> bool:
        if self.connection is None:
            return False
        try:
            await asyncio.wait_for(self.connection.execute(text("SELECT 1")), CHECK_TIMEOUT)
        except (OSError, DBAPIError, TimeoutError):
            return False
        return True

    async def _drop(self) -> None:
        connection, self.connection = self.connection, None
        if connection is None:
            return
        try:
            await connection.close()
        except (OSError, DBAPIError):
            # Already dead: PostgreSQL has released the lock with the connection.
            await connection.invalidate()
