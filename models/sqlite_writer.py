"""One write transaction in one go on SQLite: on the event loop when the write lock is free,
else in a thread of its own that waits for it.

A transaction through the session costs three hand-offs to aiosqlite's thread even when its
statements run in one (models/prepared.py): the statements, COMMIT, and the pool's ROLLBACK
when the connection goes back. On a busy two-core machine each hand-off waits for a core, so
a link's round trip was three times the echo bot's. `SqliteWriter` runs BEGIN IMMEDIATE, the
prepared statements and COMMIT in one call, on connections of its own (tuned as the engine's):
- first on the event loop, through a connection that never waits (busy timeout 0): a link's
  statements take ~0.07 ms, less than handing them to a thread and back;
- when that finds the lock taken (or a thread transaction is still pending, so that order is
  kept), in its thread, where waiting for the lock happens (busy timeout), never on the loop.
The loop's connection never checkpoints the WAL (that writes the database file, which may take
milliseconds); every CHECKPOINT_EVERY-th transaction goes through the thread, whose connection
does. Closed with its engine (`engine.dispose()`).
"""

import asyncio
import sqlite3
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from sqlalchemy import Engine, event
from sqlalchemy.ext.asyncio import AsyncEngine

from models.engine import _tune_sqlite
from models.prepared import Run, on_sqlite3

T = TypeVar("T")
_WRITERS: "weakref.WeakKeyDictionary[Engine, SqliteWriter]" = weakref.WeakKeyDictionary()

# SQLite checkpoints when the WAL passes 1,000 pages; a link writes a few, so the thread's
# connection sees the WAL past that mark within a few hundred pages more.
CHECKPOINT_EVERY = 64


class _LockTakenError(Exception):
    """The loop's connection found the write lock held by someone else."""


class SqliteWriter:
    def __init__(self, engine: AsyncEngine, path: str) -> None:
        self._dialect = engine.dialect
        self._path = path
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-writer")
        self._connection: sqlite3.Connection | None = None
        self._loop_connection: sqlite3.Connection | None = None
        self._in_thread = 0  # transactions handed to the thread and not finished yet
        self._since_thread = 0
        self._closed = False
        # Bulk writers of this process (verdict chunks, services/verdicts.py) hold the gate while
        # they hold SQLite's write lock: a link then waits here and is woken the moment the chunk
        # commits, instead of in SQLite's busy handler, which looks again ever more rarely (up to
        # every 100 ms) and made a link's p99 under a 5,000-line /blocked list five times its own.
        self.gate = asyncio.Lock()
        _WRITERS[engine.sync_engine] = self
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
        """Run `work` in a transaction of its own and commit it (rolled back if it raises).
        `work` may run twice: when the loop's attempt meets a taken lock midway, it is rolled
        back and run again in the thread."""
        async with self.gate:
            return await self._run(work)

    async def _run(self, work: Callable[[Run], T]) -> T:
        if self._in_thread == 0 and self._since_thread < CHECKPOINT_EVERY:
            try:
                result = self._on_loop(work)
            except _LockTakenError:
                pass
            else:
                self._since_thread += 1
                return result
        self._since_thread = 0
        self._in_thread += 1
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._executor, self._transaction, work)
        finally:
            self._in_thread -= 1

    def _on_loop(self, work: Callable[[Run], T]) -> T:
        try:
            connection = self._loop_connection or self._open_loop_connection()
            connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            if _busy(error):
                raise _LockTakenError from error
            raise
        try:
            result = on_sqlite3(connection, self._dialect, work)
            connection.execute("COMMIT")
        except BaseException as error:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            if isinstance(error, sqlite3.OperationalError) and _busy(error):
                raise _LockTakenError from error
            raise
        return result

    def _open_loop_connection(self) -> sqlite3.Connection:
        connection = sqlite3.connect(
            self._path, isolation_level=None, check_same_thread=False, timeout=0
        )
        try:
            _tune_sqlite(connection, None)
            connection.execute("PRAGMA busy_timeout=0")
            connection.execute("PRAGMA wal_autocheckpoint=0")
        except BaseException:
            connection.close()
            raise
        self._loop_connection = connection
        return connection

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
        """Close the connections and end the thread; later calls do nothing."""
        if self._closed:
            return
        self._closed = True
        if self._loop_connection is not None:
            self._loop_connection.close()
            self._loop_connection = None

        def close_connection() -> None:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

        self._executor.submit(close_connection)
        self._executor.shutdown(wait=True)


def _busy(error: sqlite3.OperationalError) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def write_gate(engine: AsyncEngine | None) -> asyncio.Lock | None:
    """The gate of the SQLite writer working on `engine` in this process, if there is one."""
    writer = _WRITERS.get(engine.sync_engine) if engine is not None else None
    return writer.gate if writer is not None else None
