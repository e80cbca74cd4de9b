"""Column types and defaults shared by every table."""

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from sqlalchemy import DateTime, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from typing_extensions import override

E = TypeVar("E", bound=StrEnum)


def utcnow() -> datetime:
    return datetime.now(UTC)


class _Row(Protocol):
    @property
    def id(self) -> int | None: ...


class UnsavedRowError(LookupError):
    """A row's database id was asked for before the row was flushed."""


def saved_id(row: _Row) -> int:
    """The database id of a row that has been flushed (or read back).

    Every table's `id` is `int | None` because SQLModel leaves it None until the INSERT. Code
    holding a saved row used to fall back to 0 for mypy's sake, which turns a forgotten flush
    into a silent query for id 0 (no rows, no error). This raises instead, so the bug shows
    where it is. tests/test_saved_ids.py keeps the fallback from coming back.
    """
    if row.id is None:
        raise UnsavedRowError(f"{type(row).__name__} has no id: it was never flushed")
    return row.id


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend.

    SQLite has no time zone type and hands back naive values; PostgreSQL stores timestamptz.
    Normalising here means no caller ever compares a naive time with an aware one.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    @override
    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    @override
    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class StrEnumType(TypeDecorator[E]):
    """An enum stored as its value string and read back as the enum, on every backend.

    A plain String column hands back `str`, so `.value` or `is` comparisons on a row read from
    the database fail; storing strings (not a database ENUM) means a new member needs no
    migration. Every enum column uses this type (tests/test_enum_columns.py checks it).
    """

    impl = String
    cache_ok = True

    def __init__(self, enum: type[E], length: int = 16) -> None:
        super().__init__(length)
        self.enum = enum
        self.length = length

    @override
    def process_bind_param(self, value: E | str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        # Validates plain strings too: a typo is refused here, not stored.
        return self.enum(value).value

    @override
    def process_result_value(self, value: Any, dialect: Dialect) -> E | None:
        if value is None:
            return None
        return self.enum(value)
