"""The probe of one process: one guarded web client for every check, the checkers by kind,
and /recheck's entry point (handlers reach it through `deps.probe`).

The web client is made on first use, so a dispatcher that never checks anything (most tests)
opens nothing; `aclose` closes it when the bot stops.
"""

import asyncio
import time
from collections.abc import Sequence

from aiogram import Bot
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.ops.metrics import CountingChecker, Metrics
from bot.probe_chats import BotChatLookup
from models.enums import TargetKind
from services.probe.check_lines import CheckLine, check_lines_by_id
from services.probe.dns_canary import canaried
from services.probe.guard import Resolver, system_resolver
from services.probe.options import ProbeOptions
from services.probe.rechecks import ByKind, recheck_now
from services.probe.results import Checker
from services.probe.telegram import TelegramProbe
from services.probe.telegram_pages import PageFetch
from services.probe.web import WebProbe

# A /recheck update Telegram delivers again within this many seconds is not checked again: two
# checks in a row are what moves a status (services/probe/rules.py), and a redelivery is not a
# second look a moderator asked for.
REDELIVERY_SECONDS = 600.0


class WebPages:
    """The Telegram checker's page fetcher: t.me pages through the same guarded client."""

    def __init__(self, web: WebProbe) -> None:
        self._web = web

    async def fetch_page(self, url: str) -> PageFetch:
        fetched = await self._web.fetch(url)
        return PageFetch(
            status=fetched.status,
            final_url=fetched.final_url,
            body=fetched.body,
            error=fetched.error,
        )


class ProbeHub:
    def __init__(
        self,
        options: ProbeOptions,
        session_maker: async_sessionmaker[AsyncSession],
        *,
        resolver: Resolver | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.options = options
        self._session_maker = session_maker
        # Name resolution for the web client; tests map their names to loopback servers.
        self.resolver = resolver
        self._web: WebProbe | None = None
        # Every check counted by verdict, whoever asked: the schedule, intake or /recheck.
        self._metrics = metrics
        self._requests: dict[tuple[int, int], float] = {}
        # Set by intake after it saved links: the evidence job looks at new web targets at once.
        self.evidence_wakeup = asyncio.Event()

    @property
    def web(self) -> WebProbe:
        if self._web is None:
            resolver = canaried(self.resolver or system_resolver, self.options.dns_canaries)
            self._web = WebProbe(self.options, resolver)
        return self._web

    def checker(self, bot: Bot) -> Checker:
        telegram = TelegramProbe(chats=BotChatLookup(bot), pages=WebPages(self.web))
        checker = ByKind({TargetKind.WEBSITE: self.web, TargetKind.TELEGRAM: telegram})
        return checker if self._metrics is None else CountingChecker(checker, self._metrics)

    def first_request(self, chat_id: int, message_id: int) -> bool:
        """False for a /recheck message seen in the last REDELIVERY_SECONDS."""
        now = time.monotonic()
        for key, at in list(self._requests.items()):
            if now - at > REDELIVERY_SECONDS:
                del self._requests[key]
        if (chat_id, message_id) in self._requests:
            return False
        self._requests[(chat_id, message_id)] = now
        return True

    async def recheck(
        self, bot: Bot, report_ids: Sequence[int]
    ) -> tuple[list[CheckLine], list[int]]:
        """Check the reports now (purpose manual, the same rules); their check lines in the
        order asked, and the numbers that could not be checked."""
        result = await recheck_now(
            self._session_maker,
            checker=self.checker(bot),
            options=self.options,
            report_ids=report_ids,
        )
        async with self._session_maker() as session:
            lines = await check_lines_by_id(session, [r.check_id for r in result.recorded])
        order = {report_id: n for n, report_id in enumerate(report_ids)}
        lines.sort(key=lambda line: order.get(line.report_id, len(order)))
        return lines, result.skipped

    async def aclose(self) -> None:
        if self._web is not None:
            await self._web.aclose()
            self._web = None
