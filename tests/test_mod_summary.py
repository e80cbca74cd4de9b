"""The moderators' group hears of new reports in one summary a minute, edited as more arrive."""

import asyncio
from datetime import UTC, datetime, timedelta

from aiogram import Bot, Dispatcher
from aiogram.methods import EditMessageText, SendMessage
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.factory import background_of, deps_of
from bot.jobs.periodic import declare_jobs
from bot.jobs.runner import JobRunner
from services.mod_summary import SummaryAction
from tests.support.client import BotClient, message_text
from tests.support.fake_clock import FakeClock
from tests.support.mod_summary import GROUP, summary
from tests.support.recording_session import RecordingSession

T0 = datetime(2025, 5, 10, 7, 0, tzinfo=UTC)


async def test_one_message_a_minute_edited_as_reports_arrive(
    client: BotClient,
    bot: Bot,
    session_maker: async_sessionmaker[AsyncSession],
    i18n: I18n,
    fake_session: RecordingSession,
) -> None:
    await client.send("t.me/old_before_start")
    loop = summary(bot, session_maker, i18n, FakeClock())
    assert await loop.tick(T0) is SummaryAction.NOTHING  # old reports are not announced

    await client.send("t.me/first_shop shop-one.kz")
    fake_session.clear()
    assert await loop.tick(T0 + timedelta(seconds=15)) is SummaryAction.SEND
    [message] = [m for m in fake_session.sent(SendMessage) if m.chat_id == GROUP]
    assert "2 new reports" in message.text
    assert "/queue" in message.text
    assert "<code>https://t.me/first_shop</code>" in message.text
    assert "old_before_start" not in message.text
    assert "Aruzhan" not in message.text

    await client.as_user(1002).send("t.me/second_shop")
    fake_session.clear()
    assert await loop.tick(T0 + timedelta(seconds=30)) is SummaryAction.EDIT
    [edit] = fake_session.sent(EditMessageText)
    assert int(edit.chat_id) == GROUP
    assert "3 new reports" in edit.text
    assert "second_shop" in edit.text
    assert await loop.tick(T0 + timedelta(seconds=45)) is SummaryAction.NOTHING

    await client.send("t.me/third_shop")
    fake_session.clear()
    assert await loop.tick(T0 + timedelta(seconds=80)) is SummaryAction.SEND
    [second] = [m for m in fake_session.sent(SendMessage) if m.chat_id == GROUP]
    assert "1 new report" in second.text
    assert "third_shop" in second.text
    assert "first_shop" not in second.text


async def test_a_burst_stays_within_the_group_limit(
    client: BotClient,
    bot: Bot,
    session_maker: async_sessionmaker[AsyncSession],
    i18n: I18n,
    fake_session: RecordingSession,
) -> None:
    loop = summary(bot, session_maker, i18n, FakeClock())
    await loop.tick(T0)
    fake_session.clear()
    for second in range(0, 300, 5):  # a report every five seconds, a tick every five seconds
        await client.as_user(7000 + second).send(f"t.me/burst_shop_{second:03d}")
        await loop.tick(T0 + timedelta(seconds=second + 1))
    group_requests = [r for r in fake_session.requests if getattr(r, "chat_id", None) == GROUP]
    sends = [r for r in group_requests if isinstance(r, SendMessage)]
    assert len(sends) == 5  # one message a minute
    assert len(group_requests) <= 20 * 5
    assert "and 7 more" in message_text(
        group_requests[-1]
    )  # 12 in the last minute, the newest 5 shown


async def test_edit_of_a_deleted_summary_starts_a_new_one(
    client: BotClient,
    bot: Bot,
    session_maker: async_sessionmaker[AsyncSession],
    i18n: I18n,
    fake_session: RecordingSession,
) -> None:
    loop = summary(bot, session_maker, i18n, FakeClock())
    await loop.tick(T0)
    await client.send("t.me/gone_one")
    await loop.tick(T0 + timedelta(seconds=5))
    await client.send("t.me/gone_two")
    fake_session.fail_next("EditMessageText", description="Bad Request: message to edit not found")
    await loop.tick(T0 + timedelta(seconds=10))
    fake_session.clear()
    assert await loop.tick(T0 + timedelta(seconds=15)) is SummaryAction.SEND
    [message] = [m for m in fake_session.sent(SendMessage) if m.chat_id == GROUP]
    assert "gone_one" in message.text
    assert "gone_two" in message.text


async def test_the_summary_is_declared_only_with_a_group(
    bot: Bot, dispatcher: Dispatcher, i18n: I18n
) -> None:
    declared = []
    for chat_id in (None, GROUP):
        runner = JobRunner()
        declare_jobs(
            runner,
            bot=bot,
            settings=background_of(dispatcher).settings,
            session_maker=background_of(dispatcher).session_maker,
            sender=background_of(dispatcher).sender,
            i18n=i18n,
            notice_wakeup=asyncio.Event(),
            moderation_chat_id=chat_id,
            graffiti_options=deps_of(dispatcher).graffiti_options,
            phash_index=deps_of(dispatcher).phash_index,
            storage=dispatcher.storage,
            bulk=background_of(dispatcher).bulk,
        )
        declared.append("moderators-summary" in runner.names)
    assert declared == [False, True]
