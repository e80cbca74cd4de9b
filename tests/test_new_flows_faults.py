"""Telegram failing in the middle of this stop's flows (a senior's vote, a finder's note, a
withdrawal): what was saved is saved once, and nobody hears "something went wrong" about it."""

import pytest
from aiogram.methods import AnswerCallbackQuery
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

import bot.telegram_retry
from models.report import Sighting
from models.seniors import SeniorVote
from tests.support.client import BotClient, texts
from tests.support.recording_session import RecordingSession
from tests.support.senior_helpers import DRUGS, make_senior
from tests.support.triage_helpers import NUMBER, report_link

WRONG = "went wrong"


async def _report(volunteer: BotClient, link: str) -> int:
    return int(NUMBER.findall(texts(await volunteer.send(link))[-1])[0])


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    """The retry middleware's waits are recorded by nobody and slept by nobody."""

    async def fake_wait(_seconds: float) -> None:
        return None

    monkeypatch.setattr(bot.telegram_retry, "wait", fake_wait)


async def test_a_vote_whose_next_card_fails_is_kept_once(
    client: BotClient, db: AsyncSession, fake_session: RecordingSession
) -> None:
    number = await report_link(client, 7001, "t.me/faulty_vote_shop")
    senior = await make_senior(client, 7002)
    card = await senior.send("/check")
    fake_session.fail_next("EditMessageText", description="Bad Request: test")
    pressed = await senior.press(card, DRUGS)
    again = await senior.press(card, DRUGS)

    assert not any(WRONG in t for t in texts(pressed + again))
    answers = [r.text for r in pressed + again if isinstance(r, AnswerCallbackQuery)]
    assert answers[0] == f"Vote on #{number} saved."
    assert answers[-1] == f"You have already voted on #{number}; your vote stays as it was."
    db.expire_all()
    assert len((await db.exec(select(SeniorVote))).all()) == 1


async def test_a_note_whose_answer_fails_is_saved_and_said_so(
    client: BotClient, db: AsyncSession, fake_session: RecordingSession
) -> None:
    finder = client.as_user(7011, language_code="en")
    number = await _report(finder, "t.me/faulty_note_shop")
    fake_session.fail_next("SendMessage", description="Bad Request: test")
    sent = await finder.send(f"/note {number} the shop moved to a new bot")

    shown = texts(sent)
    assert not any(WRONG in t for t in shown)
    assert any(t.startswith("Saved.") for t in shown)
    db.expire_all()
    notes = (await db.exec(select(Sighting.note).where(Sighting.report_id == number))).all()
    assert notes == ["the shop moved to a new bot"]


async def test_a_withdrawal_answered_after_a_429_happens_once(
    client: BotClient, db: AsyncSession, fake_session: RecordingSession
) -> None:
    finder = client.as_user(7021, language_code="en")
    number = await _report(finder, "t.me/faulty_withdraw_shop")
    await client.as_user(7022, language_code="en").send("t.me/faulty_withdraw_shop")
    fake_session.fail_next(
        "SendMessage", error_code=429, description="Too Many Requests", retry_after=2
    )
    sent = await finder.send(f"/withdraw {number}")

    shown = texts(sent)
    assert not any(WRONG in t for t in shown)
    # The refused attempt and its retry carry the same answer; the handler did not run twice.
    assert "is withdrawn" in shown[-1]
    assert set(shown) == {shown[-1]}
    db.expire_all()
    left = (await db.exec(select(Sighting).where(Sighting.report_id == number))).all()
    assert len(left) == 1
