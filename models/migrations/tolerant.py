"""Schema steps that check first, for revisions after the baseline.

A database made by `create_all` is stamped at the baseline whatever version made it, so it may
already have some of a later revision's tables, columns or indexes (a newer `create_all`, or the
start-up column adder that Alembic replaced). These helpers skip what is already there, so such a
database upgrades in place. New revisions should use them for anything they add.
"""

from typing import Any

import sqlalchemy as sa
from alembic import op


def _inspector() -> sa.Inspector:
    return sa.inspect(op.get_bind())


def has_table(table: str) -> bool:
    return table in _inspector().get_table_names()


def create_table_if_missing(table: str, *elements: Any) -> None:
    if not has_table(table):
        op.create_table(table, *elements)


def create_index_if_missing(name: str, table: str, columns: list[str], **kwargs: Any) -> None:
    if name not in {index["name"] for index in _inspector().get_indexes(table)}:
        op.create_index(name, table, columns, **kwargs)


def has_column(table: str, column: str) -> bool:
    return column in {present["name"] for present in _inspector().get_columns(table)}


def add_column_if_missing(table: str, column: sa.Column[Any]) -> None:
    if not has_column(table, column.name):
        op.add_column(table, column)


def widen_to_bigint(table: str, column: str) -> None:
    """INTEGER to BIGINT on PostgreSQL (Telegram ids pass 2³¹); SQLite's INTEGER is 64-bit."""
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    [present] = [c for c in _inspector().get_columns(table) if c["name"] == column]
    if not isinstance(present["type"], sa.BigInteger):
        op.alter_column(table, column, type_=sa.BigInteger(), existing_type=sa.Integer())
