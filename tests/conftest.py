"""Fixtures: a fresh database per test (SQLite, or PostgreSQL when TEST_DATABASE_URL is set)
and the production dispatcher fed through a recording fake Bot API session."""

import logging
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.factory import create_bot, create_dispatcher
from bot.i18n import create_i18n
from bot.log_redaction import has_token, install_log_redaction
from models.engine import create_engine, create_schema, create_session_maker
from tests.support.accounts import ADMIN_ID, TEST_TOKEN
from tests.support.client import BotClient
from tests.support.recording_session import RecordingSession
from tests.support.telegram_ids import short_ids_stored


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


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    if engine.dialect.name == "postgresql":
        import models.tables  # noqa: F401

        async with engine.begin() as connection:
            await connection.run_sync(SQLModel.metadata.drop_all)
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
    settings: Settings, session_maker: async_sessionmaker[AsyncSession], i18n: I18n
) -> Dispatcher:
    return create_dispatcher(settings=settings, session_maker=session_maker, i18n=i18n)


@pytest.fixture
def client(dispatcher: Dispatcher, bot: Bot, fake_session: RecordingSession) -> BotClient:
    return BotClient(dispatcher, bot, fake_session)
