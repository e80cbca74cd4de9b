"""Background work started with the bot: the notice drainer and the moderators' group summary.

Both send through the process's one PacedSender, so they share Telegram's limits with every
other bulk sender. Each loop survives its own errors (logged once per pass) and stops on
cancellation, which `stop_background` does at shutdown.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from aiogram import Bot
from aiogram.types import Message
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.delivery import message_delivery, telegram_call
from handlers.notice_texts import render_notice
from handlers.summary_texts import render_summary
from services import mod_summary, notices
from services.clock import utcnow
from services.locales import DEFAULT_LOCALE
from services.pacing import Delivery, DeliveryOutcome, PacedSender

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DrainReport:
    sent: int = 0
    skipped: int = 0
    unavailable: int = 0
    failed: int = 0


class NoticeDrainer:
    """Drains the Notice outbox every `interval` seconds, or at once when woken."""

    def __init__(
        self,
        *,
        bot: Bot,
        session_maker: async_sessionmaker[AsyncSession],
        sender: PacedSender,
        i18n: I18n,
        wakeup: asyncio.Event | None = None,
        interval: float = 2.0,
        retry_failed_after: float = 600.0,
    ) -> None:
        self.bot, self.session_maker, self.sender, self.i18n = bot, session_maker, sender, i18n
        self.wakeup = wakeup or asyncio.Event()
        self.interval = interval
        self.retry_failed_after = retry_failed_after
        # Volunteers whose last message failed for a reason other than 429 or a block: left out
        # for a while, so one undeliverable message does not make every pass try it again.
        self._deferred: dict[int, float] = {}

    async def drain_once(self) -> DrainReport:
        sent = skipped = unavailable = failed = 0
        now = self.sender.clock.monotonic()
        self._deferred = {v: t for v, t in self._deferred.items() if t > now}
        # Each volunteer at most once a pass, even if recording a delivery failed.
        handled: set[int] = set(self._deferred)
        while True:
            async with self.session_maker() as session:
                pending = await notices.take_pending(session, exclude=handled)
            handled.update(item.volunteer_id for item in pending.to_send)
            skipped += pending.skipped
            if not pending.to_send:
                if pending.skipped:
                    continue  # skipped rows may have hidden other volunteers' rows
                return DrainReport(sent, skipped, unavailable, failed)
            deliveries = [
                message_delivery(
                    self.bot, item.telegram_id, render_notice(self.i18n, item), key=item
                )
                for item in pending.to_send
            ]
            progress = await self.sender.deliver(deliveries, on_outcome=self._on_outcome)
            sent += progress.sent
            unavailable += progress.unavailable
            failed += progress.failed

    async def _on_outcome(self, delivery: Delivery, outcome: DeliveryOutcome) -> None:
        item = delivery.key
        assert isinstance(item, notices.VolunteerNotice)
        async with self.session_maker() as session:
            if outcome is DeliveryOutcome.SENT:
                await notices.mark_done(session, notice_ids=item.notice_ids)
            elif outcome is DeliveryOutcome.UNAVAILABLE:
                await notices.mark_unreachable(
                    session, volunteer_id=item.volunteer_id, notice_ids=item.notice_ids
                )
            else:
                until = self.sender.clock.monotonic() + self.retry_failed_after
                self._deferred[item.volunteer_id] = until

    async def run(self) -> None:
        while True:
            try:
                await self.drain_once()
            except Exception:
                logger.exception("notice drain pass failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wakeup.wait(), self.interval)
            self.wakeup.clear()


class ModeratorSummary:
    """Keeps the moderators' group's summary of new reports current (see services.mod_summary)."""

    def __init__(
        self,
        *,
        bot: Bot,
        session_maker: async_sessionmaker[AsyncSession],
        sender: PacedSender,
        i18n: I18n,
        chat_id: int,
        interval: float = 15.0,
        window: timedelta = mod_summary.WINDOW,
        locale: str = DEFAULT_LOCALE,
    ) -> None:
        self.bot, self.session_maker, self.sender, self.i18n = bot, session_maker, sender, i18n
        self.chat_id, self.interval, self.window, self.locale = chat_id, interval, window, locale
        self.state: mod_summary.SummaryState | None = None

    async def tick(self, now: datetime | None = None) -> mod_summary.SummaryAction:
        now = now or utcnow()
        async with self.session_maker() as session:
            if self.state is None:
                after = await mod_summary.latest_report_id(session)
                self.state = mod_summary.SummaryState(after_id=after)
            action, content = await mod_summary.plan_summary(
                session, state=self.state, now=now, window=self.window
            )
        if action is mod_summary.SummaryAction.NOTHING:
            return action
        text = render_summary(self.i18n, content, locale=self.locale)
        message_id = self.state.message_id
        if action is mod_summary.SummaryAction.SEND:
            message_id = await self._send(lambda: self.bot.send_message(self.chat_id, text))
        else:
            assert message_id is not None
            message_id = await self._send(self._edit(message_id, text))
        mod_summary.record_summary(self.state, content, message_id=message_id, now=now)
        return action

    def _edit(self, message_id: int, text: str) -> Callable[[], Awaitable[int]]:
        async def edit() -> int:
            # An unchanged summary is not an error (bot/unchanged_edits.py).
            await self.bot.edit_message_text(
                text=text, chat_id=self.chat_id, message_id=message_id
            )
            return message_id

        return edit

    async def _send(self, call: Callable[[], Awaitable[Message | int]]) -> int | None:
        """Through the paced sender, so the group's 20-a-minute limit holds with other senders."""
        results: list[Message | int] = []

        async def send() -> None:
            results.append(await telegram_call(call)())

        await self.sender.deliver([Delivery(chat_id=self.chat_id, send=send, is_group=True)])
        if not results:
            return None
        result = results[0]
        return result.message_id if isinstance(result, Message) else result

    async def run(self) -> None:
        while True:
            try:
                await self.tick()
            except Exception:
                logger.exception("moderators' summary failed")
            await asyncio.sleep(self.interval)


def start_background(
    *,
    bot: Bot,
    session_maker: async_sessionmaker[AsyncSession],
    sender: PacedSender,
    i18n: I18n,
    notice_wakeup: asyncio.Event,
    moderation_chat_id: int | None,
) -> list[asyncio.Task[None]]:
    drainer = NoticeDrainer(
        bot=bot, session_maker=session_maker, sender=sender, i18n=i18n, wakeup=notice_wakeup
    )
    tasks = [asyncio.create_task(drainer.run(), name="notice-drainer")]
    if moderation_chat_id is not None:
        summary = ModeratorSummary(
            bot=bot,
            session_maker=session_maker,
            sender=sender,
            i18n=i18n,
            chat_id=moderation_chat_id,
        )
        tasks.append(asyncio.create_task(summary.run(), name="moderators-summary"))
    return tasks


async def stop_background(tasks: list[asyncio.Task[None]]) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
