"""Engine construction: the one place that knows about backend-specific settings.

Two engines per process. The main one serves intake and every write. The read engine serves
heavy reads only — statistics, leaderboards, the digest preview, exports — through a small pool
of its own (`HEAVY_READ_CONNECTIONS`), so ten volunteers asking /stats at once can never take
the connections intake needs: on PostgreSQL a separate pool, on SQLite separate read-only
connections (`query_only`) which, with WAL, read a snapshot and never take the writer's lock.
services/heavy_reads.py queues heavy reads in front of that pool, so they wait there instead of
timing out.
"""

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

SQLITE_BUSY_TIMEOUT_MS = 5000


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers proceed during a write; NORMAL is durable enough with WAL and much faster;
    # foreign keys are off by default in SQLite; the busy timeout absorbs short write contention.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


# Two: a slow /stats, /top or export never waits behind more than one other; intake keeps the
# main pool (5 + 10 overflow) to itself.
HEAVY_READ_CONNECTIONS = 2


def _read_only_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # No journal_mode here: WAL is a property of the file, set by the main engine's connections,
    # and a query_only connection may not change it.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _in_memory(url: str) -> bool:
    parsed = make_url(url)
    return parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:")


def create_read_engine(
    url: str, *, connections: int = HEAVY_READ_CONNECTIONS
) -> AsyncEngine | None:
    """The heavy reads' own engine: `connections` at most, read-only on SQLite.

    None for an in-memory SQLite database, which another engine could not see: heavy reads then
    share the main engine (services/heavy_reads.py still bounds how many run at once).
    """
    if _in_memory(url):
        return None
    # pool_timeout is moot: HeavyReads lets no more than `connections` sessions in at once.
    sqlite = make_url(url).get_backend_name() == "sqlite"
    engine = create_async_engine(
        url, pool_size=connections, max_overflow=0, pool_pre_ping=not sqlite
    )
    if sqlite:
        event.listen(engine.sync_engine, "connect", _read_only_sqlite)
    return engine


def create_engine(url: str) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            from pathlib import Path

            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url)
        event.listen(engine.sync_engine, "connect", _tune_sqlite)
        return engine
    return create_async_engine(url, pool_pre_ping=True)


def create_session_maker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # expire_on_commit=False: handlers render objects after the service committed.
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


async def create_schema(engine: AsyncEngine) -> None:
    """Create the tables straight from the models, without migration history.

    For the test fixtures and benchmarks only (fast, and tests/test_migrations.py proves the
    migrations build the same schema). The bot itself uses models/migrate.py.
    """
    import models.tables  # noqa: F401  (registers every table on the metadata)

    async with engine.begin() as connection:
        await connection.run_sync(SQLModel.metadata.create_all)
