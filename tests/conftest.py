"""Fixtures: a fresh database per test (SQLite, or PostgreSQL when TEST_DATABASE_URL is set;
tests/support/fresh_schema.py says how "fresh" is made quickly) and the production dispatcher
fed through a recording fake Bot API session."""

import logging
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher
from aiogram.utils.i18n import I18n
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.factory import create_bot, create_dispatcher
from bot.i18n import create_i18n
from bot.log_redaction import has_token, install_log_redaction
from models.engine import create_engine, create_read_engine, create_schema, create_session_maker
from tests.support.accounts import ADMIN_ID, TEST_TOKEN
from tests.support.client import BotClient
from tests.support.fresh_schema import (
    commit_without_waiting_for_disk,
    empty_every_table,
    write_sqlite_schema,
)
from tests.support.recording_session import RecordingSession
from tests.support.telegram_ids import short_ids_stored

# The variables that choose the backends; a test module that reads them itself depends on them.
BACKEND_VARIABLES = ("TEST_DATABASE_URL", "TEST_REDIS_URL")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark `backend` the tests whose outcome can depend on TEST_DATABASE_URL/TEST_REDIS_URL:
    those that use `database_url` (every database fixture below builds on it, and so do the
    process tests that hand it to `python -m bot`) and every test of a module that reads those
    variables itself (the migration tests, Redis). The PostgreSQL pass of .ci/run runs only
    these; the rest would repeat the SQLite pass exactly."""
    reads_variables: dict[Path, bool] = {}
    for item in items:
        path = Path(item.path)
        if path not in reads_variables:
            source = path.read_text(encoding="utf-8")
            reads_variables[path] = any(name in source for name in BACKEND_VARIABLES)
        if "database_url" in getattr(item, "fixturenames", ()) or (
            reads_variables[path] and not _on_sqlite_whatever_the_variables(item)
        ):
            item.add_marker(pytest.mark.backend)


def _on_sqlite_whatever_the_variables(item: pytest.Item) -> bool:
    """The SQLite variant of a test parametrised over backends (the migration tests' side
    database): it makes its own SQLite file, so the first pass has run it exactly."""
    callspec = getattr(item, "callspec", None)
    return callspec is not None and "sqlite" in callspec.params.values()


@pytest.fixture(scope="session", autouse=True)
def _redacted_logs() -> None:
    """What `python -m bot` installs at start-up (bot/log_redaction.py)."""
    install_log_redaction()


@pytest.fixture(autouse=True)
def _no_token_in_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """No log line of any test contains a bot token: the captured records are grepped."""
    yield
    formatter = logging.Formatter()
    for when in ("setup", "call"):
        for record in caplog.get_records(when):
            line = formatter.format(record)
            assert not has_token(line), f"token logged: {line}"
            assert TEST_TOKEN not in line, f"token logged: {line}"


@pytest.fixture(scope="session")
def i18n() -> I18n:
    return create_i18n()


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite+aiosqlite:///{tmp_path}/test.db"


@pytest.fixture(scope="session")
def sqlite_schema(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("schema") / "schema.db"
    write_sqlite_schema(path)
    return path


@pytest.fixture(scope="session")
def postgres_schemas_made() -> set[str]:
    """The PostgreSQL databases whose schema this run has made (tests/support/fresh_schema.py)."""
    return set()


@pytest.fixture
def schema_copied(database_url: str, sqlite_schema: Path) -> bool:
    """A new SQLite database file is a copy of `sqlite_schema`: the same file create_all would
    write, in milliseconds instead of a tenth of a second per test."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return False
    path = Path(url.database)
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(sqlite_schema, path)
    return True


@pytest.fixture
async def engine(
    database_url: str, schema_copied: bool, postgres_schemas_made: set[str]
) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    if engine.dialect.name == "postgresql":
        event.listen(engine.sync_engine, "connect", commit_without_waiting_for_disk)
    if engine.dialect.name == "postgresql" and database_url in postgres_schemas_made:
        async with engine.begin() as connection:
            await connection.run_sync(empty_every_table)
    elif engine.dialect.name == "postgresql":
        # The first test of the run: whatever an earlier run left, the schema is made anew.
        async with engine.begin() as connection:
            await connection.run_sync(SQLModel.metadata.drop_all)
        await create_schema(engine)
        postgres_schemas_made.add(database_url)
    elif not schema_copied:
        await create_schema(engine)
    yield engine
    try:
        # The suite must exercise 64-bit id columns: a short id stored means a test cheated.
        short = await short_ids_stored(engine)
        assert not short, (
            f"short Telegram ids stored (use tests.support.telegram_ids.tg_id): {short}"
        )
    finally:
        await engine.dispose()


@pytest.fixture
def session_maker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_session_maker(engine)


@pytest.fixture
async def read_session_maker(
    engine: AsyncEngine,
) -> AsyncIterator[async_sessionmaker[AsyncSession] | None]:
    """The heavy reads' engine beside `engine`, as `python -m bot` makes it."""
    read_engine = create_read_engine(engine.url.render_as_string(hide_password=False))
    if read_engine is None:
        yield None
        return
    yield create_session_maker(read_engine)
    await read_engine.dispose()


@pytest.fixture
async def db(session_maker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with session_maker() as session:
        yield session


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        telegram={"token": TEST_TOKEN},
        database={"url": database_url},
        access={"admins": [ADMIN_ID]},
    )


@pytest.fixture
def fake_session() -> RecordingSession:
    return RecordingSession()


@pytest.fixture
def bot(settings: Settings, fake_session: RecordingSession) -> Bot:
    return create_bot(settings, session=fake_session)


@pytest.fixture
def dispatcher(
    settings: Settings,
    session_maker: async_sessionmaker[AsyncSession],
    read_session_maker: async_sessionmaker[AsyncSession] | None,
    i18n: I18n,
) -> Dispatcher:
    return create_dispatcher(
        settings=settings,
        session_maker=session_maker,
        i18n=i18n,
        read_session_maker=read_session_maker,
    )


@pytest.fixture
def client(dispatcher: Dispatcher, bot: Bot, fake_session: RecordingSession) -> BotClient:
    return BotClient(dispatcher, bot, fake_session)
