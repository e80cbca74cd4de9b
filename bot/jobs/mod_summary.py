"""The moderators' group summary of new reports, kept current (see services.mod_summary).

Its messages go through the process's one PacedSender, so the group's 20-a-minute limit holds
with every other sender.
"""

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from aiogram import Bot
from aiogram.types import Message
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.delivery import telegram_call
from bot.jobs.runner import Periodic
from bot.jobs.schedules import Every
from services import mod_summary
from services.clock import utcnow
from services.locales import DEFAULT_LOCALE
from services.pacing import Delivery, PacedSender
from views.summary import render_summary

logger = logging.getLogger(__name__)


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

    def job(self) -> Periodic:
        return Periodic("moderators-summary", self.tick, Every(self.interval))
