"""One hand-off per write transaction on SQLite: a connection of its own, in a thread of its own.

A transaction through the session costs three hand-offs to aiosqlite's thread even when its
statements run in one (models/prepared.py): the statements, COMMIT, and the pool's ROLLBACK
when the connection goes back. On a busy two-core machine each hand-off waits for a core, so
a link's round trip was three times the echo bot's. `SqliteWriter` runs BEGIN IMMEDIATE, the
prepared statements and COMMIT in one call to its own thread, on its own connection (tuned as
the engine's). SQLite has one writer at a time anyway; waiting for the lock happens in that
thread (busy timeout), never on the event loop. Closed with its engine (`engine.dispose()`).
"""

import asyncio
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from models.engine import _tune_sqlite
from models.prepared import Run, on_sqlite3

T = TypeVar("T")


class SqliteWriter:
    def __init__(self, engine: AsyncEngine, path: str) -> None:
        self._dialect = engine.dialect
        self._path = path
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-writer")
        self._connection: sqlite3.Connection | None = None
        self._closed = False
        event.listen(engine.sync_engine, "engine_disposed", lambda _engine: self.close())

    @classmethod
    def for_engine(cls, engine: AsyncEngine) -> "SqliteWriter | None":
        """A writer for a SQLite file; None for other backends and in-memory databases (a
        second connection would see another database)."""
        database = engine.url.database
        if engine.dialect.name != "sqlite" or database in (None, "", ":memory:"):
            return None
        return cls(engine, str(database))

    async def run(self, work: Callable[[Run], T]) -> T:
        """Run `work` in a transaction of its own and commit it (rolled back if it raises)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._transaction, work)

    def _transaction(self, work: Callable[[Run], T]) -> T:
        if self._connection is None:
            self._connection = sqlite3.connect(
                self._path, isolation_level=None, check_same_thread=False
            )
            _tune_sqlite(self._connection, None)
        connection = self._connection
        connection.execute("BEGIN IMMEDIATE")
        try:
            result = on_sqlite3(connection, self._dialect, work)
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
        return result

    def close(self) -> None:
        """Close the connection and end the thread; later calls do nothing."""
        if self._closed:
            return
        self._closed = True

        def close_connection() -> None:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

        self._executor.submit(close_connection)
        self._executor.shutdown(wait=True)
