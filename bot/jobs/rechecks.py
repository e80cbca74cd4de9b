"""The scheduled rechecks (services/probe/rechecks.py) and the moderators' alert of what came
back online.

Every `interval` seconds the job checks the reports that are due (the schedule itself is kept
per report in `report.next_check_at`), then sends one message listing every report that
reappeared: to the moderators' group when `[moderation] chat_id` is set, else to each moderator
and administrator in their language. The alert is an outbox (services/probe/alerts.py): rows
are marked sent only once delivered, so a restart sends what was not told yet, once.
"""

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from aiogram import Bot
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.delivery import message_delivery
from bot.jobs.runner import Periodic
from bot.jobs.schedules import Every
from services.locales import DEFAULT_LOCALE, pick_locale
from services.pacing import Delivery, PacedSender
from services.probe import alerts
from services.probe.options import ProbeOptions
from services.probe.rechecks import RecheckResult, run_due
from services.probe.results import Checker
from services.roles import staff_languages
from views.probe import render_reappeared

logger = logging.getLogger(__name__)

# Due reports are looked for this often; each report's own schedule is hours long.
INTERVAL_SECONDS = 300.0


@dataclass(frozen=True, slots=True)
class RechecksRun:
    checked: RecheckResult
    alerted: int  # reappeared reports the moderators were told about in this pass


class Rechecks:
    def __init__(
        self,
        *,
        bot: Bot,
        session_maker: async_sessionmaker[AsyncSession],
        sender: PacedSender,
        i18n: I18n,
        checker: Checker,
        options: ProbeOptions,
        admin_ids: Collection[int],
        moderation_chat_id: int | None,
        interval: float = INTERVAL_SECONDS,
    ) -> None:
        self.bot, self.session_maker, self.sender, self.i18n = bot, session_maker, sender, i18n
        self.checker, self.options, self.admin_ids = checker, options, admin_ids
        self.chat_id, self.interval = moderation_chat_id, interval

    async def tick(self, now: datetime) -> RechecksRun:
        checked = await run_due(
            self.session_maker, checker=self.checker, options=self.options, now=now
        )
        return RechecksRun(checked, await self.alert())

    async def alert(self) -> int:
        """Tell the moderators every pending reappearance; how many reports were told."""
        told = 0
        while True:
            async with self.session_maker() as session:
                pending = await alerts.pending(session)
                recipients = await self._recipients(session) if pending else []
            if pending is None:
                return told
            if not recipients:
                logger.warning(
                    "reappeared reports but no moderator to tell: %s", len(pending.reports)
                )
            elif not await self._deliver(pending, recipients):
                return told  # kept pending: the next pass tries again
            async with self.session_maker() as session:
                await alerts.mark_sent(session, pending.alert_ids)
            told += len(pending.reports)

    async def _recipients(self, session: AsyncSession) -> list[tuple[int, str, bool]]:
        """(chat id, locale, is a group) of everyone the alert goes to."""
        if self.chat_id is not None:
            return [(self.chat_id, DEFAULT_LOCALE, True)]
        staff = await staff_languages(session, self.admin_ids)
        return [(chat, pick_locale(*languages), False) for chat, languages in staff.items()]

    async def _deliver(
        self, pending: alerts.PendingAlert, recipients: list[tuple[int, str, bool]]
    ) -> bool:
        """True when the alert reached at least one recipient."""
        deliveries = []
        for chat_id, locale, is_group in recipients:
            text = render_reappeared(self.i18n, pending, locale=locale)
            delivery = message_delivery(self.bot, chat_id, text)
            deliveries.append(Delivery(chat_id=chat_id, send=delivery.send, is_group=is_group))
        progress = await self.sender.deliver(deliveries)
        return progress.sent > 0

    def job(self) -> Periodic:
        return Periodic("probe-rechecks", self.tick, Every(self.interval))
