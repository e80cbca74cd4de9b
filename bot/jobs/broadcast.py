"""Sends a started broadcast through the one PacedSender, and resumes unfinished ones at start.

The recipients are the broadcast's delivery rows still without an outcome (services/broadcast),
so a run cut short by a crash or a restart sends exactly the rest, and the final count is
counted from the rows. The administrator's status line (the preview's header) is edited with the
progress; those edits are a courtesy and their failures (a 429 among them) are ignored, so they
can never stop the sending. The final count goes through the sender, which waits out a 429 and
retries transient errors, and arrives as a new message if the status line cannot be edited.
"""

import logging
import time
from collections.abc import Callable
from contextlib import suppress

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.delivery import message_delivery, telegram_call
from models.base import saved_id
from models.broadcast import Broadcast
from models.enums import BroadcastOutcome, BroadcastState
from models.volunteer import Volunteer
from services import broadcast as broadcasts
from services.broadcast import BroadcastCounts
from services.locales import pick_locale
from services.pacing import Delivery, DeliveryOutcome, PacedSender, Progress
from views.broadcast import final_text, progress_text

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 2.0  # real seconds between edits of the status line
_OUTCOMES = {
    DeliveryOutcome.SENT: BroadcastOutcome.SENT,
    DeliveryOutcome.UNAVAILABLE: BroadcastOutcome.UNAVAILABLE,
    DeliveryOutcome.FAILED: BroadcastOutcome.FAILED,
}


class BroadcastRunner:
    def __init__(
        self,
        *,
        session_maker: async_sessionmaker[AsyncSession],
        sender: PacedSender,
        i18n: I18n,
    ) -> None:
        self.session_maker, self.sender, self.i18n = session_maker, sender, i18n
        # Broadcasts this process is sending: a resume never runs beside a running send.
        self._running: set[int] = set()

    def is_running(self, broadcast_id: int) -> bool:
        return broadcast_id in self._running

    async def resume(self, *, bot: Bot) -> None:
        """Finish every broadcast a stopped process left half-sent, one after another."""
        async with self.session_maker() as session:
            left = await broadcasts.unfinished(session)
        for broadcast in left:
            logger.info("resuming broadcast %s", broadcast.id)
            await self.run(bot=bot, broadcast_id=saved_id(broadcast))

    async def run(self, *, bot: Bot, broadcast_id: int) -> None:
        if broadcast_id in self._running:
            return
        self._running.add(broadcast_id)
        try:
            await self._run(bot, broadcast_id)
        finally:
            self._running.discard(broadcast_id)

    async def _run(self, bot: Bot, broadcast_id: int) -> None:
        async with self.session_maker() as session:
            broadcast = await session.get(Broadcast, broadcast_id)
            # Finished meanwhile (by a spawned run this process's poll had already seen).
            if broadcast is None or broadcast.state is not BroadcastState.SENDING:
                return
            waiting = await broadcasts.waiting_recipients(session, broadcast_id=broadcast_id)
            before = await broadcasts.counts(session, broadcast_id=broadcast_id)
            locale = await self._locale_of(session, broadcast.created_by_id)
        status = _StatusLine(bot, broadcast, self.i18n, locale)

        async def on_outcome(delivery: Delivery, outcome: DeliveryOutcome) -> None:
            assert isinstance(delivery.key, int)
            async with self.session_maker() as session:
                await broadcasts.record_outcome(
                    session,
                    broadcast_id=broadcast_id,
                    volunteer_id=delivery.key,
                    outcome=_OUTCOMES[outcome],
                )

        async def on_progress(progress: Progress) -> None:
            await status.progress(_so_far(before, progress), progress.eta_seconds)

        deliveries = [
            message_delivery(bot, r.telegram_id, broadcast.text, key=r.volunteer_id)
            for r in waiting
        ]
        await self.sender.deliver(deliveries, on_outcome=on_outcome, on_progress=on_progress)
        async with self.session_maker() as session:
            final = await broadcasts.finish(session, broadcast_id=broadcast_id)
        logger.info(
            "broadcast %s: %s of %s sent, %s unavailable, %s failed",
            broadcast_id,
            final.sent,
            final.total,
            final.unavailable,
            final.failed,
        )
        await status.final(self.sender, final)

    async def _locale_of(self, session: AsyncSession, volunteer_id: int) -> str:
        author = await session.get(Volunteer, volunteer_id)
        if author is None:
            return pick_locale(None, None)
        return pick_locale(author.language, author.telegram_language)


def _so_far(before: BroadcastCounts, progress: Progress) -> BroadcastCounts:
    """This run's progress on top of what earlier runs of the same broadcast did."""
    return BroadcastCounts(
        total=before.total,
        sent=before.sent + progress.sent,
        unavailable=before.unavailable + progress.unavailable,
        failed=before.failed + progress.failed,
    )


class _StatusLine:
    """The preview's header, edited in the administrator's language."""

    def __init__(self, bot: Bot, broadcast: Broadcast, i18n: I18n, locale: str) -> None:
        self.bot, self.i18n, self.locale = bot, i18n, locale
        self.broadcast_id = saved_id(broadcast)
        self.chat_id, self.message_id = broadcast.chat_id, broadcast.status_message_id
        self._last = float("-inf")

    def _render(self, render: Callable[..., str], *args: object) -> str:
        with self.i18n.context(), self.i18n.use_locale(self.locale):
            return render(self.broadcast_id, *args)

    async def progress(self, counts: BroadcastCounts, eta_seconds: float) -> None:
        if self.message_id is None or time.monotonic() - self._last < PROGRESS_EVERY:
            return
        self._last = time.monotonic()
        text = self._render(progress_text, counts, eta_seconds)
        with suppress(TelegramAPIError):
            await self.bot.edit_message_text(
                text=text, chat_id=self.chat_id, message_id=self.message_id
            )

    async def final(self, sender: PacedSender, counts: BroadcastCounts) -> None:
        text = self._render(final_text, counts)
        if self.message_id is not None:
            message_id = self.message_id

            async def edit() -> object:
                return await self.bot.edit_message_text(
                    text=text, chat_id=self.chat_id, message_id=message_id
                )

            edited = await sender.deliver([Delivery(self.chat_id, telegram_call(edit))])
            if edited.sent:
                return
        await sender.deliver([message_delivery(self.bot, self.chat_id, text)])
