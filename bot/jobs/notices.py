"""The notice drainer: delivers the Notice outbox (outcome notices) to volunteers.

It runs every two seconds, or at once when its wakeup event is set. The event reaches only
its own process: a worker apart from the web processes (`--role worker`) finds the rows they
wrote by the two-second poll, which is why it stays that short. It sends through the
process's one PacedSender, so it shares Telegram's limits with every other bulk sender. A
notice is marked done only after Telegram took it.
"""

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime

from aiogram import Bot
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.delivery import message_delivery
from bot.jobs.runner import Periodic
from bot.jobs.schedules import Every
from services import notices
from services.pacing import Delivery, DeliveryOutcome, PacedSender
from views.notices import render_notice

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

    def job(self) -> Periodic:
        async def run(_now: datetime) -> DrainReport:
            return await self.drain_once()

        return Periodic("notice-drainer", run, Every(self.interval), wakeup=self.wakeup)
