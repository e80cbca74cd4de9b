"""The weekly digest scheduler, started with the bot (bot/__main__.py) and cancelled at stop.

On start-up it posts a digest that is due and not yet delivered (catch-up within the week);
then it sleeps until the next moment, waking at least hourly so that deliveries that failed,
or volunteers who turned the message back on, are served within the week too. Every pass is
cheap when nobody is waiting: BulkMessages.run_digest returns before building anything.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from aiogram import Bot

from bot.config import Settings
from bot.digest_run import BulkMessages
from services.clock import utcnow
from services.digest.deliveries import DigestRunReport
from services.schedule import due_week, next_moment, parse_clock

logger = logging.getLogger(__name__)

MAX_SLEEP = 3600.0


class DigestScheduler:
    def __init__(
        self,
        *,
        bot: Bot,
        bulk: BulkMessages,
        settings: Settings,
        now: Callable[[], datetime] = utcnow,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.bot, self.bulk, self.now, self.sleep = bot, bulk, now, sleep
        self.weekday = settings.digest.weekday
        self.at = parse_clock(settings.digest.time)

    async def tick(self) -> DigestRunReport | None:
        week = due_week(self.now(), weekday=self.weekday, at=self.at)
        if week is None:
            return None
        return await self.bulk.run_digest(bot=self.bot, week=week)

    async def run(self) -> None:
        while True:
            try:
                await self.tick()
            except Exception:
                logger.exception("weekly digest pass failed")
            now = self.now()
            wait = (next_moment(now, weekday=self.weekday, at=self.at) - now).total_seconds()
            await self.sleep(min(max(wait, 1.0), MAX_SLEEP))


def start_digest_scheduler(
    *, bot: Bot, bulk: BulkMessages, settings: Settings
) -> asyncio.Task[None]:
    scheduler = DigestScheduler(bot=bot, bulk=bulk, settings=settings)
    return asyncio.create_task(scheduler.run(), name="weekly-digest")
