"""INSERT … ON CONFLICT DO NOTHING for the backends we support.

Concurrent updates (two volunteers sending the same new link in the same second) must not fail
on a unique index; the loser simply finds the winner's row.
"""

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession


async def insert_ignore(
    session: AsyncSession,
    model: type[SQLModel],
    values: dict[str, Any],
    conflict_columns: list[str],
) -> int | None:
    """Insert a row unless it conflicts; return its new primary key, or None on conflict."""
    table: Table = model.__table__  # type: ignore[attr-defined]
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=conflict_columns)
        .returning(table.c.id)
    )
    result = await session.exec(statement)
    return result.scalar_one_or_none()
