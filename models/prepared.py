"""Core statements compiled once, and a way to run several of them in one trip to the database.

Through the async ORM every statement on SQLite costs four hand-offs to aiosqlite's thread
(cursor, execute, fetch, close: ~0.3 ms of CPU each time), which made link intake cost
~3.5 ms a message. `run_writes` runs a whole piece of work — a sync function that executes
prepared statements — in the session's transaction:
- on SQLite in one hand-off: the work runs in aiosqlite's own thread on its sqlite3
  connection, with each statement's SQL and parameter conversions compiled once. aiosqlite has
  no public call for this; if its private one is missing, the work runs as below instead;
- elsewhere (asyncpg has no thread to hand off to) through SQLAlchemy, statement by statement.
The caller still commits through the session.
"""

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Dialect
from sqlmodel.ext.asyncio.session import AsyncSession

T = TypeVar("T")
Insert = Callable[..., Any]
Rows = list[tuple[Any, ...]]
# Executes one prepared statement with named parameters and returns its rows (none for a
# statement without RETURNING).
Run = Callable[["Prepared", Mapping[str, Any]], Rows]


class Prepared:
    """A statement built once per backend: `build` receives that backend's `insert` (for
    ON CONFLICT clauses) and returns the statement, whose parameters are `bindparam`s."""

    def __init__(self, build: Callable[[Insert], Any]) -> None:
        self.build = build
        self._statements: dict[str, Any] = {}
        self._sqlite: SqliteForm | None = None

    def statement(self, dialect: str) -> Any:
        if dialect not in self._statements:
            insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
            self._statements[dialect] = self.build(insert)
        return self._statements[dialect]

    def sqlite_form(self, dialect: Dialect) -> "SqliteForm":
        if self._sqlite is None:
            statement = self.statement("sqlite")
            compiled = statement.compile(dialect=dialect)
            names: Sequence[str] = compiled.positiontup or []
            binds = [
                (name, compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect))
                for name in names
            ]
            described = getattr(statement, "column_descriptions", None) or getattr(
                statement, "returning_column_descriptions", []
            )
            results = [
                column["type"].dialect_impl(dialect).result_processor(dialect, None)
                for column in described
            ]
            self._sqlite = SqliteForm(compiled.string, binds, results)
        return self._sqlite


@dataclass(frozen=True, slots=True)
class SqliteForm:
    """SQL text; in order, each parameter's name and type conversion; each result column's
    conversion (UTC timestamps, enums), as SQLAlchemy would apply them."""

    sql: str
    binds: list[tuple[str, Callable[[Any], Any] | None]]
    results: list[Callable[[Any], Any] | None]

    def rows(self, fetched: list[Any]) -> Rows:
        if not any(self.results):
            return [tuple(row) for row in fetched]
        return [
            tuple(
                convert(value) if convert is not None else value
                for convert, value in zip(self.results, row, strict=True)
            )
            for row in fetched
        ]


async def run_writes(session: AsyncSession, work: Callable[[Run], T]) -> T:
    """Run `work` in the session's transaction (no commit), in as few trips as the backend
    allows. Pending ORM changes are flushed first, so the work sees them."""
    await session.flush()
    connection = await session.connection()
    dialect = connection.dialect
    if dialect.name == "sqlite":
        driver: Any = (await connection.get_raw_connection()).driver_connection
        in_driver_thread = driver_thread(driver)
        if in_driver_thread is not None:
            return await in_driver_thread(lambda: on_sqlite3(driver._conn, dialect, work))
    return await connection.run_sync(lambda sync: work(_through_sqlalchemy(sync)))


def driver_thread(driver: Any) -> Callable[..., Awaitable[Any]] | None:
    """aiosqlite's call that runs a function in its thread, if this version has it."""
    return getattr(driver, "_execute", None)


def on_sqlite3(connection: Any, dialect: Dialect, work: Callable[[Run], T]) -> T:
    """Run `work` on a sqlite3 connection, in the caller's thread and transaction."""
    cursor = connection.cursor()

    def run(prepared: Prepared, params: Mapping[str, Any]) -> Rows:
        form = prepared.sqlite_form(dialect)
        values = [
            convert(params[name]) if convert is not None else params[name]
            for name, convert in form.binds
        ]
        return form.rows(cursor.execute(form.sql, values).fetchall())

    try:
        return work(run)
    finally:
        cursor.close()


def _through_sqlalchemy(connection: Connection) -> Run:
    def run(prepared: Prepared, params: Mapping[str, Any]) -> Rows:
        result = connection.execute(prepared.statement(connection.dialect.name), dict(params))
        return [tuple(row) for row in result] if result.returns_rows else []

    return run
