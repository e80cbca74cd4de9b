"""/broadcast: a preview with Send / Cancel, one copy per recipient whatever is pressed or
redelivered, an optional language, and a run that survives 429s, 5xx answers and a restart.

The sender's own pacing tests belong to services/pacing; here the dispatcher is fed real
updates, and the last two tests talk to the fake Bot API server through aiogram's real HTTP
session.
"""

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from aiogram.utils.i18n import I18n
from sqlalchemy import func
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.factory import create_dispatcher
from bot.jobs.broadcast import BroadcastRunner
from models.base import saved_id
from models.broadcast import Broadcast
from models.enums import BroadcastOutcome, BroadcastState
from models.volunteer import Volunteer
from services import broadcast as broadcasts
from services.pacing import PacedSender
from tests.support.accounts import ADMIN_ID
from tests.support.client import BotClient, buttons, find_button, texts
from tests.support.fake_bot_api import TEST_TOKEN, FakeBotAPI
from tests.support.fake_clock import FakeClock
from tests.support.recording_session import RecordingSession
from tests.support.tally_world import make_volunteer
from tests.support.telegram_ids import tg_id

RATE = 25.0


@pytest.fixture
def paced_dispatcher(
    settings: Settings, session_maker: async_sessionmaker[AsyncSession], i18n: I18n
) -> Dispatcher:
    sender = PacedSender(rate_per_second=RATE, clock=FakeClock())
    return create_dispatcher(
        settings=settings, session_maker=session_maker, i18n=i18n, sender=sender
    )


@pytest.fixture
def admin(paced_dispatcher: Dispatcher, bot: Bot, fake_session: RecordingSession) -> BotClient:
    return BotClient(paced_dispatcher, bot, fake_session, user_id=ADMIN_ID, language_code="en")


def copies(requests: list, text: str) -> list[int]:
    return [int(r.chat_id) for r in requests if isinstance(r, SendMessage) and r.text == text]


async def test_preview_first_then_one_copy_each_on_send(
    admin: BotClient, db: AsyncSession
) -> None:
    people = [await make_volunteer(db, 8000 + i) for i in range(40)]
    command = admin.message_update("/broadcast Hello, volunteers!")

    shown = await admin.feed(command)
    header, preview = [r for r in shown if isinstance(r, SendMessage)]
    assert "Broadcast #1: 41 volunteers will get it (every language)" in header.text
    assert preview.text == "Hello, volunteers!"  # exactly what the volunteers will read
    assert [label for label, _ in buttons(preview)] == ["Send", "Cancel"]
    assert copies(shown, "Hello, volunteers!") == [ADMIN_ID]  # the preview only

    # Telegram delivers the same update again: recognised, no second preview, no second row.
    assert await admin.feed(command) == []
    assert (await db.exec(select(func.count()).select_from(Broadcast))).one() == 1

    sent = await admin.press(shown, "Send")
    recipients = copies(sent, "Hello, volunteers!")
    assert sorted(recipients) == sorted([ADMIN_ID, *(p.telegram_id for p in people)])
    final = [r for r in sent if isinstance(r, EditMessageText)][-1]
    assert final.text == "Broadcast #1 finished: 41 of 41 sent, 0 unreachable, 0 failed."
    row = (await db.exec(select(Broadcast))).one()
    assert final.message_id == row.status_message_id  # the header, edited: no new message

    again = await admin.press(shown, "Send")  # a double tap, or the same press redelivered
    assert copies(again, "Hello, volunteers!") == []
    assert any(isinstance(r, AnswerCallbackQuery) and r.show_alert for r in again)


async def test_one_language_only(admin: BotClient, db: AsyncSession) -> None:
    kazakh = [await make_volunteer(db, 8100 + i) for i in range(3)]
    russian = await make_volunteer(db, 8110)
    for person in kazakh[:2]:
        person.telegram_language = "kk"
        db.add(person)
    chose_kazakh = kazakh[2]
    chose_kazakh.language = "kk"
    db.add(chose_kazakh)
    await db.commit()

    shown = await admin.feed(admin.message_update("/broadcast kk Сәлем, волонтерлер!"))
    assert "3 volunteers will get it (Қазақша)" in texts(shown)[0]
    sent = await admin.press(shown, "Send")
    assert sorted(copies(sent, "Сәлем, волонтерлер!")) == sorted(p.telegram_id for p in kazakh)
    assert russian.telegram_id not in copies(sent, "Сәлем, волонтерлер!")


async def test_cancel_sends_nothing_and_send_after_cancel_is_refused(
    admin: BotClient, db: AsyncSession
) -> None:
    await make_volunteer(db, 8200)
    shown = await admin.feed(admin.message_update("/broadcast Not this one"))
    cancelled = await admin.press(shown, "Cancel")
    assert any(
        isinstance(r, AnswerCallbackQuery) and r.text == "Cancelled: nothing was sent."
        for r in cancelled
    )
    late = await admin.press(shown, "Send")
    assert copies(late, "Not this one") == []
    row = (await db.exec(select(Broadcast))).one()
    assert row.state is BroadcastState.CANCELLED


async def test_only_administrators_prepare_or_send(admin: BotClient, db: AsyncSession) -> None:
    await make_volunteer(db, 8300)
    moderator = admin.as_user(2003, language_code="en")
    await moderator.send("/start")
    await admin.send("/start")
    await admin.send(f"/grant {tg_id(2003)}")
    assert texts(await moderator.send("/broadcast hi")) == [
        "This command is for administrators only."
    ]
    volunteer = admin.as_user(2004, language_code="en")
    assert texts(await volunteer.send("/broadcast hi")) == ["This command is for moderators only."]
    shown = await admin.feed(admin.message_update("/broadcast From the admin"))
    # The admin's button, replayed by someone else.
    preview, send = find_button(shown, "Send")
    pressed = await moderator.forge_press(send, message_id=admin.message_id_of(preview))
    assert any(isinstance(r, AnswerCallbackQuery) and r.show_alert for r in pressed)
    assert copies(pressed, "From the admin") == []
    assert (await db.exec(select(Broadcast))).one().state is BroadcastState.PREVIEW


async def test_a_restart_resumes_with_the_recipients_still_waiting(
    db: AsyncSession,
    session_maker: async_sessionmaker[AsyncSession],
    i18n: I18n,
    bot: Bot,
    fake_session: RecordingSession,
) -> None:
    author = await make_volunteer(db, ADMIN_ID)
    people = [await make_volunteer(db, 8400 + i) for i in range(10)]
    broadcast, _ = await broadcasts.prepare(
        db, created_by_id=saved_id(author), chat_id=ADMIN_ID, request_message_id=5,
        text="Resumed", language=None,
    )  # fmt: skip
    broadcast_id = saved_id(broadcast)
    started = await broadcasts.start(db, broadcast_id=broadcast_id)
    assert started is not None
    assert started.total == 11
    # The stopped process had got four copies out and recorded them.
    for person in [author, *people[:3]]:
        await broadcasts.record_outcome(
            db, broadcast_id=saved_id(broadcast), volunteer_id=saved_id(person),
            outcome=BroadcastOutcome.SENT,
        )  # fmt: skip

    runner = BroadcastRunner(
        session_maker=session_maker, i18n=i18n,
        sender=PacedSender(rate_per_second=RATE, clock=FakeClock()),
    )  # fmt: skip
    await runner.resume(bot=bot)

    assert sorted(copies(fake_session.requests, "Resumed")) == sorted(
        p.telegram_id for p in people[3:]
    )
    db.expire_all()
    finished = await db.get(Broadcast, broadcast_id)
    assert finished is not None
    assert finished.state is BroadcastState.FINISHED
    # After a restart no handler sets the language: the author's (Russian here) is used.
    assert texts(fake_session.requests)[-1] == (
        "Рассылка #1 завершена: отправлено 11 из 11, недоступны: 0, ошибок: 0."
    )
    await runner.resume(bot=bot)  # nothing is left: a second start sends nothing
    assert len(copies(fake_session.requests, "Resumed")) == 7


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as server:
        yield server


@pytest.fixture
async def live_bot(api: FakeBotAPI) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(api.base_url))
    async with Bot(TEST_TOKEN, session=session) as bot:
        yield bot


async def test_429_5xx_and_blocked_users_against_the_bot_api(
    api: FakeBotAPI,
    live_bot: Bot,
    db: AsyncSession,
    session_maker: async_sessionmaker[AsyncSession],
    i18n: I18n,
) -> None:
    author = await make_volunteer(db, ADMIN_ID)
    people = [await make_volunteer(db, 8500 + i) for i in range(29)]
    header = await live_bot.send_message(ADMIN_ID, "Broadcast #1: preview")
    broadcast, _ = await broadcasts.prepare(
        db, created_by_id=saved_id(author), chat_id=ADMIN_ID, request_message_id=7,
        text="Hello <b>all</b>", language=None,
    )  # fmt: skip
    await broadcasts.remember_status_message(
        db, broadcast_id=saved_id(broadcast), message_id=header.message_id
    )
    await broadcasts.start(db, broadcast_id=saved_id(broadcast))
    api.fail_next("sendMessage", count=1, retry_after=3)
    api.fail_next("sendMessage", count=2, error_code=502, description="Bad Gateway")
    api.fail_next("editMessageText", count=2, retry_after=1)  # the status line, twice
    api.block_chat(people[5].telegram_id)
    clock = FakeClock()
    runner = BroadcastRunner(
        session_maker=session_maker, i18n=i18n,
        sender=PacedSender(rate_per_second=RATE, clock=clock),
    )  # fmt: skip

    await runner.run(bot=live_bot, broadcast_id=saved_id(broadcast))

    delivered = [r for r in api.requests("sendMessage") if r.error is None]
    got = sorted(r.params["chat_id"] for r in delivered if r.params["text"] == "Hello <b>all</b>")
    expected = [ADMIN_ID, *(p.telegram_id for p in people if p is not people[5])]
    assert got == sorted(expected)  # everyone once: retried, never doubled
    assert any(s >= 2.5 for s in clock.sleeps)  # the whole queue waited retry_after
    edits = [r for r in api.requests("editMessageText") if r.error is None]
    assert edits[-1].params["text"] == (
        "Рассылка #1 завершена: отправлено 29 из 30, недоступны: 1, ошибок: 0."
    )
    blocked = await db.get(Volunteer, people[5].id)
    assert blocked is not None
    await db.refresh(blocked)
    assert blocked.is_reachable is False


async def test_a_broadcast_written_on_the_next_line_is_sent_whole(client: BotClient) -> None:
    admin = client.as_user(ADMIN_ID, language_code="en")
    await admin.send("/start")
    requests = await admin.send("/broadcast\nHello all,\nsee you on Saturday")
    copies = [r.text for r in requests if isinstance(r, SendMessage) and "Saturday" in r.text]
    assert copies == ["Hello all,\nsee you on Saturday"]
