"""Bring an existing database up to the models at start-up, for the changes that are safe.

`create_all` makes missing tables but never touches existing ones, so a database made by an
older version would lack new columns and keep 32-bit Telegram id columns. Two kinds of change are
applied here, idempotently, in the start-up transaction:

- a column the models have and the table lacks is added, if it can be added to a table that
  already has rows: nullable, or with a server default or a plain scalar default (used as the
  column's DEFAULT). Its indexes are created too; foreign keys and unique constraints of added
  columns are not (they would need a table rebuild on SQLite) — the models' queries do not rely
  on them. Any other missing column stops the start with a message naming it.
- on PostgreSQL, an INTEGER column the models declare BigInteger (Telegram user, chat and message
  ids) is widened to BIGINT. SQLite's INTEGER is already 64-bit.

Anything else (renames, type changes, dropped columns) needs a written migration.
"""

import logging
from typing import Any

from sqlalchemy import BigInteger, Column, Connection, Index, Table, inspect, literal
from sqlalchemy.schema import CreateColumn
from sqlalchemy.types import Integer

logger = logging.getLogger(__name__)


class SchemaUpgradeError(RuntimeError):
    """The database lacks something that cannot be added automatically."""


def upgrade_schema(connection: Connection, tables: list[Table]) -> list[str]:
    """Apply the safe changes to `tables`; returns a description of each change made."""
    inspector = inspect(connection)
    existing_tables = set(inspector.get_table_names())
    changes: list[str] = []
    for table in tables:
        if table.name not in existing_tables:
            continue
        present = {column["name"]: column for column in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name not in present:
                changes.append(_add_column(connection, table, column))
            elif _needs_widening(connection, column, present[column.name]["type"]):
                changes.append(_widen(connection, table, column))
    for change in changes:
        logger.info("schema upgrade: %s", change)
    return changes


def _add_column(connection: Connection, table: Table, column: Column[Any]) -> str:
    dialect = connection.dialect
    definition = str(CreateColumn(column).compile(dialect=dialect))
    if not column.nullable and column.server_default is None:
        default = column.default
        if default is None or not getattr(default, "is_scalar", False):
            raise SchemaUpgradeError(
                f"table {table.name} lacks column {column.name}, which is NOT NULL without a "
                "default: add it by hand or recreate the database"
            )
        value = literal(default.arg, column.type).compile(  # type: ignore[attr-defined]
            dialect=dialect, compile_kwargs={"literal_binds": True}
        )
        definition += f" DEFAULT {value}"
    quote = dialect.identifier_preparer.quote
    # IF NOT EXISTS: two processes of a scale-out deployment may start at the same moment.
    guard = "IF NOT EXISTS " if dialect.name == "postgresql" else ""
    connection.exec_driver_sql(f"ALTER TABLE {quote(table.name)} ADD COLUMN {guard}{definition}")
    for index in _indexes_of(table, column):
        index.create(connection, checkfirst=True)
    return f"added column {table.name}.{column.name}"


def _indexes_of(table: Table, column: Column[Any]) -> list[Index]:
    return [index for index in table.indexes if column.name in index.columns]


def _needs_widening(connection: Connection, column: Column[Any], present_type: Any) -> bool:
    if connection.dialect.name != "postgresql" or not isinstance(column.type, BigInteger):
        return False
    return isinstance(present_type, Integer) and not isinstance(present_type, BigInteger)


def _widen(connection: Connection, table: Table, column: Column[Any]) -> str:
    quote = connection.dialect.identifier_preparer.quote
    connection.exec_driver_sql(
        f"ALTER TABLE {quote(table.name)} ALTER COLUMN {quote(column.name)} TYPE BIGINT"
    )
    return f"widened {table.name}.{column.name} to BIGINT"
