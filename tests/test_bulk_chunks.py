"""A /blocked list is recorded in short transactions (services/verdicts.py): the reply says
exactly which reports were recorded, also when a chunk fails, and sending the list again is
safe."""

from typing import Any

import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel.ext.asyncio.session import AsyncSession

import services.lifecycle
from handlers.verdicts import PROGRESS_FROM
from models.enums import ReportStatus
from services.verdicts import CHUNK_REPORTS
from tests.support.client import BotClient, text, texts
from tests.support.recording_session import RecordingSession
from tests.support.report_setup import bulk_reports, statuses
from tests.support.triage_helpers import admin
from tests.support.uploads import upload

S = ReportStatus


def numbers(ids: list[int]) -> str:
    return ", ".join(f"#{i}" for i in ids)


async def test_a_failed_chunk_is_named_and_sending_again_finishes_the_list(
    client: BotClient,
    db: AsyncSession,
    fake_session: RecordingSession,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ids = await bulk_reports(db, CHUNK_REPORTS + 20, S.SENT)
    data = "".join(f"bulk{n}.kz\n" for n in range(len(ids))).encode()
    first, rest = ids[:CHUNK_REPORTS], ids[CHUNK_REPORTS:]
    real = services.lifecycle.change_status
    calls = 0

    async def second_chunk_fails(session: AsyncSession, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 2:
            await real(session, **{**kwargs, "commit": False})  # fails after writing
            raise OperationalError("COMMIT", {}, Exception("database is locked"))
        return await real(session, **kwargs)

    monkeypatch.setattr(services.lifecycle, "change_status", second_chunk_fails)
    reply = text(await upload(admin(client), fake_session, "list.txt", data))
    assert "Marked as blocked: #" in reply
    assert f"Not recorded, the database failed: {numbers(rest)}." in reply
    assert await statuses(db, first) == [S.BLOCKED] * len(first)
    assert await statuses(db, rest) == [S.SENT] * len(rest)

    monkeypatch.setattr(services.lifecycle, "change_status", real)
    again = text(await upload(admin(client), fake_session, "list.txt", data))
    assert f"Marked as blocked: {numbers(rest)}." in again
    assert "Not changed:" in again
    assert "Not recorded" not in again
    assert await statuses(db, ids) == [S.BLOCKED] * len(ids)


async def test_a_long_list_shows_its_progress(
    client: BotClient, db: AsyncSession, fake_session: RecordingSession
) -> None:
    ids = await bulk_reports(db, PROGRESS_FROM, S.SENT)
    data = "".join(f"bulk{n}.kz\n" for n in range(len(ids))).encode()
    shown = texts(await upload(admin(client), fake_session, "list.txt", data))
    assert shown[0] == f"Recording {PROGRESS_FROM} reports… 0%"
    assert shown[-1].startswith("Marked as blocked: #")
    assert await statuses(db, ids) == [S.BLOCKED] * len(ids)
