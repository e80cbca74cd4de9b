"""Each test's database as create_all leaves it, without paying for create_all every time.

SQLite: the schema is made once into a file and each test gets a copy of that file. PostgreSQL
(one database for the whole run): the schema is made once a run, and before each later test
every row is deleted and every sequence restarted, so ids start at 1 again as in a new schema.
"""

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy import create_engine as create_sync_engine
from sqlmodel import SQLModel

import models.tables  # noqa: F401  (every table on the metadata)


def write_sqlite_schema(path: Path) -> None:
    """An empty SQLite file at `path` with the models' schema (models.engine.create_schema's
    create_all, through the synchronous driver: the DDL is SQLite's either way)."""
    engine = create_sync_engine(f"sqlite:///{path}")
    try:
        SQLModel.metadata.create_all(engine)
    finally:
        engine.dispose()


def empty_every_table(connection: Connection) -> None:
    """Delete every row (children first) and restart every sequence of the database."""
    for table in reversed(SQLModel.metadata.sorted_tables):
        connection.execute(table.delete())
    sequences = connection.execute(
        text("SELECT sequence_schema, sequence_name FROM information_schema.sequences")
    ).all()
    for schema, name in sequences:
        connection.execute(text(f'ALTER SEQUENCE "{schema}"."{name}" RESTART'))


def commit_without_waiting_for_disk(dbapi_connection: Any, _record: Any) -> None:
    """PostgreSQL: a commit returns before its WAL reaches the disk. Visibility, locking and
    isolation are unchanged; only a server crash could lose the last commits of a test database.
    (For the suite's own connections; `python -m bot` children commit as in production.)"""
    cursor = dbapi_connection.cursor()
    cursor.execute("SET synchronous_commit TO off")
    cursor.close()
