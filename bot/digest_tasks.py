"""The weekly digest job (declared in bot/jobs/periodic.py).

It runs on start-up, so a digest that is due and not yet delivered is posted then (catch-up
within the week); then at the digest's moment, and at least hourly in between, so that
deliveries that failed, or volunteers who turned the message back on, are served within the
week too. Every run is cheap when nobody is waiting: BulkMessages.run_digest returns before
building anything, and what was delivered is recorded per recipient, so no run repeats it.
"""

from datetime import datetime

from aiogram import Bot

from bot.config import Settings
from bot.digest_run import BulkMessages
from bot.jobs.runner import Periodic
from bot.jobs.schedules import Weekly
from services.digest.deliveries import DigestRunReport
from services.schedule import due_week, parse_clock

RECHECK_EVERY = 3600.0


def digest_schedule(settings: Settings) -> Weekly:
    return Weekly(
        weekday=settings.digest.weekday,
        at=parse_clock(settings.digest.time),
        recheck_every=RECHECK_EVERY,
    )


def weekly_digest(*, bot: Bot, bulk: BulkMessages, settings: Settings) -> Periodic:
    schedule = digest_schedule(settings)

    async def run(now: datetime) -> DigestRunReport | None:
        week = due_week(now, weekday=schedule.weekday, at=schedule.at)
        if week is None:
            return None
        return await bulk.run_digest(bot=bot, week=week)

    return Periodic("weekly-digest", run, schedule)
