"""Alembic's environment: the app's engine settings and every table of SQLModel's metadata.

Normally Alembic is driven by models/migrate.py, which hands over a connection it already holds
(under the migration lock) in `config.attributes["connection"]`. Run from the command line
(`alembic -x url=... upgrade head`, see alembic.ini) it opens its own engine instead.
"""

import asyncio
import os

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel

import models.tables  # noqa: F401  (registers every table on the metadata)
from models.engine import create_engine
from models.migration_types import MIGRATION_OPTIONS


def _configure_and_run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        # SQLite cannot alter most column properties in place: batch mode copies the table.
        render_as_batch=connection.dialect.name == "sqlite",
        **MIGRATION_OPTIONS,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_with_own_engine(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_configure_and_run)
            await connection.commit()
    finally:
        await engine.dispose()


def _url() -> str:
    return (
        context.get_x_argument(as_dictionary=True).get("url")
        or os.environ.get("CVBOT_DATABASE__URL")
        or context.config.get_main_option("sqlalchemy.url")
        or ""
    )


given = context.config.attributes.get("connection")
if given is not None:
    _configure_and_run(given)
elif context.is_offline_mode():
    context.configure(url=_url(), target_metadata=SQLModel.metadata, **MIGRATION_OPTIONS)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_with_own_engine(_url()))
