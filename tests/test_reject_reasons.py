"""A reason typed after /reject that names one of the card's presets is stored as the preset:
each volunteer reads it in their own language, and "not drug-related" counts in the senior
volunteers' agreement. Any other words stay the moderator's own."""

import pytest
from aiogram import Bot
from aiogram.methods import SendMessage
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.jobs.notices import NoticeDrainer
from models.enums import NoteCode
from models.report import Report
from services.pacing import PacedSender
from tests.support.client import BotClient, text
from tests.support.fake_clock import FakeClock
from tests.support.recording_session import RecordingSession
from tests.support.telegram_ids import tg_id
from tests.support.triage_helpers import NUMBER, make_moderator


@pytest.fixture
def drainer(
    bot: Bot, session_maker: async_sessionmaker[AsyncSession], i18n: I18n
) -> NoticeDrainer:
    return NoticeDrainer(
        bot=bot, session_maker=session_maker, sender=PacedSender(clock=FakeClock()), i18n=i18n
    )


async def _report(volunteer: BotClient, link: str) -> int:
    return int(NUMBER.findall(text(await volunteer.send(link)))[0])


async def _stored(db: AsyncSession, report_id: int) -> tuple[NoteCode | None, str | None]:
    db.expire_all()
    report = await db.get(Report, report_id)
    assert report is not None
    return report.resolution_code, report.resolution_note


@pytest.mark.parametrize("typed", ["not drugs", "Not drugs.", "не наркотики", "есірткі емес"])
async def test_a_typed_preset_is_stored_as_its_code_and_read_in_each_language(
    client: BotClient,
    db: AsyncSession,
    drainer: NoticeDrainer,
    fake_session: RecordingSession,
    typed: str,
) -> None:
    russian = client.as_user(5301, language_code="ru")
    kazakh = client.as_user(5302, language_code="kk")
    number = await _report(russian, "t.me/typed_reason_shop")
    await kazakh.send("t.me/typed_reason_shop")
    moderator = await make_moderator(client, 5399)

    reply = text(await moderator.send(f"/reject {number} {typed}"))

    assert "Reason: not drug-related" in reply
    assert await _stored(db, number) == (NoteCode.NOT_DRUG_RELATED, None)
    fake_session.clear()
    await drainer.drain_once()
    news = {int(r.chat_id): r.text for r in fake_session.sent(SendMessage)}
    assert "не связано с наркотиками" in news[tg_id(5301)]
    assert typed not in news[tg_id(5301)]
    assert "есірткіге қатысы жоқ" in news[tg_id(5302)]


async def test_other_words_stay_the_moderators_own(client: BotClient, db: AsyncSession) -> None:
    number = await _report(client.as_user(5311), "t.me/own_words_reason_shop")
    moderator = await make_moderator(client, 5398)

    reply = text(await moderator.send(f"/reject {number} not drugs, a pharmacy"))

    assert "Reason: not drugs, a pharmacy" in reply
    assert await _stored(db, number) == (None, "not drugs, a pharmacy")
