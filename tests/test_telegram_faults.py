"""Telegram fails: 429, 5xx, a lost answer. Replies are retried, and nobody hears "something
went wrong" about work that was saved. The same through the real process and HTTP:
tests/test_polling.py."""

import pytest
from aiogram.methods import SendMessage
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

import bot.telegram_retry
from models.report import Sighting
from tests.support.client import BotClient, texts
from tests.support.recording_session import RecordingSession

WRONG = "went wrong"


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The retry middleware's waits, on a fake clock: recorded, not slept."""
    waited: list[float] = []

    async def fake_wait(seconds: float) -> None:
        waited.append(seconds)

    monkeypatch.setattr(bot.telegram_retry, "wait", fake_wait)
    return waited


async def test_a_429_on_the_reply_is_waited_out_and_retried(
    client: BotClient, fake_session: RecordingSession, waits: list[float]
) -> None:
    volunteer = client.as_user(1901, language_code="en")
    fake_session.fail_next("SendMessage", error_code=429, description="Too Many Requests",
                           retry_after=3)  # fmt: skip
    sent = await volunteer.send("t.me/retry_after_shop")
    assert [t for t in texts(sent) if "new report" in t]
    assert not any(WRONG in t for t in texts(sent))
    assert waits == [3]


async def test_5xx_replies_are_retried_with_backoff(
    client: BotClient, fake_session: RecordingSession, waits: list[float]
) -> None:
    volunteer = client.as_user(1902, language_code="en")
    for _ in range(2):
        fake_session.fail_next("SendMessage", error_code=502, description="Bad Gateway")
    sent = await volunteer.send("t.me/server_error_shop")
    assert "new report" in texts(sent)[-1]  # two refused attempts, then the reply
    assert not any(WRONG in t for t in texts(sent))
    assert waits == [0.5, 1.0]


async def test_a_lost_answer_after_the_save_is_not_something_went_wrong(
    client: BotClient, db: AsyncSession, fake_session: RecordingSession, waits: list[float]
) -> None:
    volunteer = client.as_user(1903, language_code="en")
    fake_session.lose_answer_next("SendMessage")
    sent = await volunteer.send("t.me/lost_answer_shop")
    shown = texts(sent)
    assert len([t for t in shown if "new report" in t]) == 1  # delivered once, not re-sent
    assert not any(WRONG in t for t in shown)
    assert any(t.startswith("Saved.") for t in shown)
    assert len((await db.exec(select(Sighting))).all()) == 1
    assert waits == []


@pytest.mark.usefixtures("waits")
async def test_a_failure_before_anything_was_saved_still_says_so(
    client: BotClient, fake_session: RecordingSession
) -> None:
    volunteer = client.as_user(1904, language_code="en")
    fake_session.fail_next("SendMessage", description="Bad Request: test")
    sent = await volunteer.send("/help")
    assert any(WRONG in t for t in texts(sent))
    assert all(isinstance(r, SendMessage) for r in sent)
