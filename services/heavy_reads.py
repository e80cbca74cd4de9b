"""Heavy reads — statistics, leaderboards, the digest preview, exports — on a budget of their own.

A heavy read can take seconds on a big database. On the update's own session it would hold one
of the connections intake needs for all that time; ten volunteers asking /stats after a digest
once took them all, and other volunteers' links failed ("something went wrong": pool time-outs,
"database is locked"). So a heavy read:

1. gives the update's session back first (`instead_of`): its connection returns to the main
   pool while the read waits and runs (the update has nothing uncommitted at that point: the
   volunteer middleware commits a registration itself);
2. waits for one of `at_once` places — an asyncio semaphore, so it queues without a time-out;
3. reads on a session of the read engine (models/engine.py `create_read_engine`: a pool of
   exactly `at_once` connections, read-only on SQLite).

Intake therefore never waits on a connection a heavy read holds, whatever the heavy reads cost.
Without a read engine (an in-memory SQLite database) the same semaphore bounds heavy reads on
the main engine.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession


class HeavyReads:
    def __init__(self, session_maker: async_sessionmaker[AsyncSession], *, at_once: int) -> None:
        self._session_maker = session_maker
        self._places = asyncio.Semaphore(at_once)

    @asynccontextmanager
    async def session(
        self, *, instead_of: AsyncSession | None = None
    ) -> AsyncIterator[AsyncSession]:
        """A session for one heavy read; `instead_of` (the update's session) is closed first."""
        if instead_of is not None:
            await instead_of.close()
        async with self._places, self._session_maker() as session:
            yield session
