"""Backups of the SQLite database while the bot writes, and the restore drill (README, Backups).

Volunteers keep sending links while the copy is made: the copy must be the database as of one
commit (every report with its sighting, the file whole), and a restore of it must hold exactly
what the copy holds. /backup gives an administrator the same copy as a file, and nobody else.
"""

import asyncio
from pathlib import Path

import pytest
from aiogram.methods import SendDocument
from aiogram.types import BufferedInputFile
from sqlalchemy.engine import make_url

from bot.__main__ import backup_or_restore, main
from bot.config import Settings
from models.backup import snapshot, table_counts
from tests.support.accounts import ADMIN_ID, TEST_TOKEN
from tests.support.client import BotClient, text, texts
from tests.support.recording_session import RecordingSession
from tests.support.triage_helpers import make_moderator

LINKS = 60


def _database_file(settings: Settings) -> Path:
    url = make_url(settings.database.url)
    if url.get_backend_name() != "sqlite":
        pytest.skip("SQLite's backup; PostgreSQL is backed up with pg_dump (README)")
    assert url.database
    return Path(url.database)


async def _send_links(client: BotClient, halfway: asyncio.Event) -> None:
    for n in range(LINKS):
        await client.as_user(4000 + n, language_code="en").send(f"https://shop-{n}.kz/buy")
        if n == LINKS // 2:
            halfway.set()


async def test_a_backup_taken_while_volunteers_write_restores_with_the_same_counts(
    client: BotClient, settings: Settings, tmp_path: Path
) -> None:
    live = _database_file(settings)
    halfway = asyncio.Event()
    writing = asyncio.create_task(_send_links(client, halfway))
    await halfway.wait()
    copy = tmp_path / "backups" / "during.db"
    # In a thread, as /backup runs it: the volunteers' links keep being written meanwhile.
    assert await asyncio.to_thread(backup_or_restore, "backup", copy, settings) == 0
    await writing

    during = table_counts(copy)
    # One commit's state: every report has the sighting written in its transaction.
    assert during["report"] == during["sighting"]
    # A volunteer's row is committed on first contact, before their link's transaction: the
    # copy may hold the one volunteer whose link was still being written, never more.
    assert during["report"] <= during["volunteer"] <= during["report"] + 1
    assert LINKS // 2 < during["report"] <= LINKS

    restored = tmp_path / "restored.db"
    restored_settings = settings.model_copy(
        update={
            "database": settings.database.model_copy(
                update={"url": f"sqlite+aiosqlite:///{restored}"}
            )
        }
    )
    assert backup_or_restore("restore", copy, restored_settings) == 0
    assert table_counts(restored) == during

    after = tmp_path / "after.db"
    assert backup_or_restore("backup", after, settings) == 0
    assert table_counts(after) == table_counts(live)
    assert table_counts(after)["report"] == LINKS


def test_a_restore_never_overwrites_a_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    existing = tmp_path / "bot.db"
    existing.write_bytes(b"the live database")
    monkeypatch.setenv("CVBOT_TELEGRAM__TOKEN", TEST_TOKEN)
    monkeypatch.setenv("CVBOT_DATABASE__URL", f"sqlite+aiosqlite:///{existing}")
    monkeypatch.chdir(tmp_path)

    assert main(["restore", str(tmp_path / "missing-backup.db")]) == 6
    assert main(["backup", str(tmp_path / "copy.db")]) == 6  # not a database
    errors = capsys.readouterr().err.splitlines()
    assert errors[0].startswith("restore error:")
    assert "move it away first" in errors[0]
    assert errors[1].startswith("backup error:")
    assert existing.read_bytes() == b"the live database"
    assert not (tmp_path / "copy.db").exists()
    assert TEST_TOKEN not in "\n".join(errors)


def test_postgresql_is_sent_to_pg_dump(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CVBOT_TELEGRAM__TOKEN", TEST_TOKEN)
    monkeypatch.setenv("CVBOT_DATABASE__URL", "postgresql+asyncpg://postgres@127.0.0.1/x")
    monkeypatch.chdir(tmp_path)
    assert main(["backup", str(tmp_path / "copy.db")]) == 6
    assert "pg_dump" in capsys.readouterr().err


async def test_backup_sends_the_administrator_a_copy_and_refuses_others(
    client: BotClient, settings: Settings, fake_session: RecordingSession, tmp_path: Path
) -> None:
    live = _database_file(settings)
    for n in range(3):
        await client.as_user(4100 + n, language_code="en").send(f"https://shop-{n}.kz")

    volunteer_reply = await client.as_user(4100, language_code="en").send("/backup")
    assert "only" in text(volunteer_reply)
    moderator = await make_moderator(client, 4200)
    assert "administrators only" in text(await moderator.send("/backup"))
    assert not fake_session.sent(SendDocument)

    admin = client.as_user(ADMIN_ID, language_code="en")
    await admin.send("/backup")
    [sent] = fake_session.sent(SendDocument)
    assert sent.chat_id == admin.user_id
    assert isinstance(sent.document, BufferedInputFile)
    assert "3 reports" in (sent.caption or "")
    received = tmp_path / "received.db"
    received.write_bytes(sent.document.data)
    assert table_counts(received) == table_counts(live)

    # The copy restores like any other.
    restored = tmp_path / "restored.db"
    snapshot(received, restored)
    assert table_counts(restored)["report"] == 3


async def test_backup_in_russian_and_kazakh(
    client: BotClient, settings: Settings, fake_session: RecordingSession
) -> None:
    on_sqlite = make_url(settings.database.url).get_backend_name() == "sqlite"
    for language, word in (("ru", "резервн"), ("kk", "сақтық")):
        fake_session.clear()
        replies = await client.as_user(ADMIN_ID, language_code=language).send("/backup")
        if on_sqlite:
            [sent] = fake_session.sent(SendDocument)
            assert word in (sent.caption or "").lower()
        else:  # PostgreSQL: pointed to pg_dump, in the reader's language
            assert not fake_session.sent(SendDocument)
            assert "pg_dump" in text(replies)
            assert word in text(replies).lower()


async def test_a_copy_too_big_to_send_points_to_the_server_command(
    client: BotClient,
    settings: Settings,
    fake_session: RecordingSession,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _database_file(settings)
    monkeypatch.setattr("handlers.backups.UPLOAD_LIMIT_BYTES", 1024)
    reply = texts(await client.as_user(ADMIN_ID, language_code="en").send("/backup"))[-1]
    assert "more than a bot may send" in reply
    assert "python -m bot backup FILE" in reply
    assert not fake_session.sent(SendDocument)
