"""Bring a database to the newest schema with Alembic, safely from several processes at once.

Decisions (README, "Migrations"):
- One lock around the whole upgrade, so two processes starting together never both run DDL:
  on PostgreSQL a session advisory lock held on its own connection (released when that
  connection ends, even if the process dies); on SQLite a file lock beside the database file
  (`bot.db.migrate.lock`). The second process waits, then finds nothing to do.
- A database made by `create_all` before migrations existed (tables, no `alembic_version`) is
  stamped at the baseline (the first released wave's schema) and then upgraded; the revisions
  after the baseline tolerate tables and columns that such a database may already have.
"""

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from filelock import FileLock
from sqlalchemy import Connection, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from models.engine import create_engine

logger = logging.getLogger(__name__)

BASELINE = "0001_wave1_baseline"
# The tables of the baseline: a database without alembic_version must have all of them to be
# taken for a first-wave database made by create_all.
BASELINE_TABLES = frozenset(
    {
        "audit_entry", "batch", "digest_delivery", "evidence", "graffiti", "graffiti_draft",
        "graffiti_draft_photo", "graffiti_photo", "notice", "report", "sighting", "squad",
        "squad_curator", "squad_member", "volunteer",
    }
)  # fmt: skip
# Any fixed 64-bit number, the same in every process of this application.
ADVISORY_LOCK_KEY = 7_406_532_118_002_117


class MigrationError(RuntimeError):
    """The database cannot be brought to the newest schema automatically."""


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    # Revision files named by their ids (0001_..., 0002_...): the listing reads in order.
    config.set_main_option("file_template", "%%(rev)s")
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "no migration revisions found"
    return head


async def upgrade_to_head(url: str) -> None:
    """Create or upgrade the schema at `url` to the newest revision."""
    engine = create_engine(url)
    try:
        async with _migration_lock(engine), engine.connect() as connection:
            await connection.run_sync(_upgrade)
            await connection.commit()
    finally:
        await engine.dispose()


async def ensure_at_head(url: str) -> None:
    """With auto_migrate off: refuse to start on a database older (or newer) than the code."""
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            current = await connection.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_revision()
            )
    finally:
        await engine.dispose()
    head = head_revision()
    if current != head:
        raise MigrationError(
            f"the database is at revision {current or 'none'}, this version needs {head}: "
            "run `python -m bot migrate --config PATH` (or set database.auto_migrate = true)"
        )


def _upgrade(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        # Batch mode rebuilds a table by copy-and-drop, which enforced foreign keys would refuse
        # or cascade. This engine serves only the migration, so the setting dies with it.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    config = alembic_config()
    config.attributes["connection"] = connection
    tables = set(inspect(connection).get_table_names())
    if "alembic_version" not in tables and tables:
        missing = BASELINE_TABLES - tables
        if missing:
            raise MigrationError(
                "the database has tables but no migration history, and lacks the first "
                f"release's tables {', '.join(sorted(missing))}: it was not made by this bot"
            )
        logger.info("database made by create_all: stamping it at %s", BASELINE)
        command.stamp(config, BASELINE)
    command.upgrade(config, "head")


@asynccontextmanager
async def _migration_lock(engine: AsyncEngine) -> AsyncIterator[None]:
    if engine.dialect.name == "postgresql":
        async with engine.connect() as lock_connection:
            await lock_connection.execute(
                text("SELECT pg_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
            )
            try:
                yield
            finally:
                await lock_connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY}
                )
        return
    database = make_url(str(engine.url)).database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    # thread_local=False: acquired in a worker thread (waiting must not block the event loop),
    # released from the loop's thread.
    lock = FileLock(f"{database}.migrate.lock", thread_local=False)
    await asyncio.to_thread(lock.acquire)
    try:
        yield
    finally:
        lock.release()
