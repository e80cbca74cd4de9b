"""/broadcast through the real PacedSender and aiogram Bot, against the fake Bot API server.

The sender's own pacing tests belong to services/pacing; here we check the wiring: a 429 makes
the whole queue wait `retry_after` (on the sender's fake clock) and nobody is lost or doubled,
a 403 marks the volunteer unreachable, and the administrator sees one message edited as it goes.
"""

import asyncio
import dataclasses
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.methods import EditMessageText, SendMessage
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.digest_run import BulkMessages
from bot.factory import create_dispatcher
from models.volunteer import Volunteer
from services.pacing import PacedSender, Progress
from tests.client import BotClient, texts
from tests.conftest import ADMIN_ID
from tests.fake_bot_api import TEST_TOKEN, FakeBotAPI
from tests.recording_session import RecordingSession
from tests.tally_world import FakeClock, make_volunteer
from tests.telegram_ids import tg_id

RATE = 25.0


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as server:
        yield server


@pytest.fixture
async def live_bot(api: FakeBotAPI) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(api.base_url))
    async with Bot(TEST_TOKEN, session=session) as bot:
        yield bot


@pytest.fixture
def bulk_factory(
    settings: Settings, session_maker: async_sessionmaker[AsyncSession], i18n: I18n
) -> object:
    def build(sender: PacedSender) -> BulkMessages:
        return BulkMessages(
            settings=settings, session_maker=session_maker, i18n=i18n, sender=sender
        )

    return build


async def test_broadcast_waits_retry_after_and_marks_blocked(
    api: FakeBotAPI, live_bot: Bot, db: AsyncSession, bulk_factory: object
) -> None:
    people = [await make_volunteer(db, 8000 + i) for i in range(30)]
    api.fail_next("sendMessage", count=1, retry_after=3)
    api.block_chat(people[5].telegram_id)
    clock = FakeClock()
    bulk = bulk_factory(PacedSender(rate_per_second=RATE, clock=clock))  # type: ignore[operator]
    seen: list[Progress] = []

    async def on_progress(progress: Progress) -> None:
        seen.append(dataclasses.replace(progress))

    progress = await bulk.broadcast(bot=live_bot, text="Hello <b>all</b>", on_progress=on_progress)

    delivered = [r for r in api.requests("sendMessage") if r.error is None]
    recipients = sorted(r.params["chat_id"] for r in delivered)
    assert recipients == sorted(p.telegram_id for p in people if p is not people[5])
    assert (progress.sent, progress.unavailable, progress.failed) == (29, 1, 0)
    assert any(s >= 2.5 for s in clock.sleeps)  # the whole queue waited retry_after
    assert clock.now >= 3.0 + 28 / RATE * 0.9  # the pause plus the pacing
    assert seen and seen[-1].sent == 29
    blocked = await db.get(Volunteer, people[5].id)
    assert blocked is not None
    await db.refresh(blocked)
    assert blocked.is_reachable is False


async def test_administrator_sees_one_progress_message(
    db: AsyncSession,
    *,
    settings: Settings,
    session_maker: async_sessionmaker[AsyncSession],
    i18n: I18n,
    bot: Bot,
    fake_session: RecordingSession,
) -> None:
    for i in range(60):
        await make_volunteer(db, 8100 + i)
    dispatcher = create_dispatcher(
        settings=settings, session_maker=session_maker, i18n=i18n,
        sender=PacedSender(rate_per_second=RATE, clock=FakeClock()),
    )  # fmt: skip
    admin = BotClient(dispatcher, bot, fake_session, user_id=ADMIN_ID, language_code="en")

    requests = await admin.send("/broadcast Hello, volunteers!")

    statuses = [r for r in requests if isinstance(r, SendMessage) and r.chat_id == ADMIN_ID
                and "Broadcast starting" in r.text]  # fmt: skip
    assert len(statuses) == 1
    edits = [r for r in requests if isinstance(r, EditMessageText)]
    assert edits and len({e.message_id for e in edits}) == 1
    assert "finished: 61 of 61 sent, 0 unreachable, 0 failed" in edits[-1].text
    copies = [r for r in requests if isinstance(r, SendMessage) and r.text == "Hello, volunteers!"]
    assert len(copies) == 61


async def test_progress_text_shows_sent_failed_and_time_left(i18n: I18n) -> None:
    from handlers.digest_staff import _progress_text

    with i18n.context(), i18n.use_locale("en"):
        shown = _progress_text(Progress(total=3000, sent=120, unavailable=2, failed=1,
                                        eta_seconds=115.2))  # fmt: skip
    assert shown == ("Broadcast: 120 of 3000 sent, 2 unreachable, 1 failed. Time left: 1:55")


async def test_broadcast_is_for_administrators_only(client: BotClient) -> None:
    moderator = client.as_user(2003, language_code="en")
    await moderator.send("/start")
    await client.as_user(ADMIN_ID).send("/start")
    await client.as_user(ADMIN_ID).send(f"/grant {tg_id(2003)}")
    assert texts(await moderator.send("/broadcast hi")) == [
        "This command is for administrators only."
    ]
    assert texts(await client.as_user(2004, language_code="en").send("/broadcast hi")) == [
        "This command is for moderators only."
    ]


async def test_a_long_broadcast_does_not_hold_the_administrators_chat(
    db: AsyncSession,
    *,
    settings: Settings,
    session_maker: async_sessionmaker[AsyncSession],
    i18n: I18n,
    bot: Bot,
    fake_session: RecordingSession,
) -> None:
    for i in range(5):
        await make_volunteer(db, 8200 + i)
    dispatcher = create_dispatcher(
        settings=settings, session_maker=session_maker, i18n=i18n,
        sender=PacedSender(rate_per_second=1.0),  # the real clock: this broadcast takes seconds
    )  # fmt: skip
    admin = BotClient(dispatcher, bot, fake_session, user_id=ADMIN_ID, language_code="en")
    try:
        started = await asyncio.wait_for(
            admin.feed(admin.message_update("/broadcast Hello"), wait_for_jobs=False), 2
        )
        assert "Broadcast starting…" in texts(started)
        helped = await asyncio.wait_for(
            admin.feed(admin.message_update("/help"), wait_for_jobs=False), 2
        )
        assert any("What to send" in t for t in texts(helped))
    finally:
        await dispatcher["jobs"].stop()
    copies = [r for r in fake_session.requests if isinstance(r, SendMessage) and r.text == "Hello"]
    assert len(copies) < 6  # stopped half-way: the job really was still running
