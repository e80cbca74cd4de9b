"""At start-up: batches a stopped process left unfinished are voided, their moderators told.

A crash during /batch left the ready reports claimed for 15 minutes, so every /batch meanwhile
answered "Nothing to send". services/batches.void_unfinished releases those claims; here the
moderator who ran the batch hears which batch's files must not be forwarded.

That is `--role all`'s start. With several processes (`--role web` and `worker`) a start
cannot tell a dead process's batch from one a live web process is delivering, so the worker
instead voids, every few minutes, the batches opened more than a claim's time (15 minutes) ago
and never completed: by then their claims have lapsed anyway (`stale_batches_job`).
"""

import logging
from contextlib import suppress
from datetime import datetime

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.jobs.runner import Periodic
from bot.jobs.schedules import Every
from services.batches import CLAIM, void_unfinished
from services.locales import pick_locale

logger = logging.getLogger(__name__)


async def recover_batches(
    bot: Bot,
    session_maker: async_sessionmaker[AsyncSession],
    i18n: I18n,
    *,
    opened_before: datetime | None = None,
) -> None:
    async with session_maker() as session:
        voided = await void_unfinished(session, opened_before=opened_before)
    for item in voided:
        logger.warning("batch %s was left unfinished: voided, its claims released", item.batch_id)
        moderator = item.moderator
        with (
            i18n.context(),
            i18n.use_locale(pick_locale(moderator.language, moderator.telegram_language)),
        ):
            text = _(
                "Batch {id} was interrupted by a restart before it was recorded: none of its "
                "reports was marked as sent, and they are free again. If you received its "
                "files, they are void — do not forward them. Send /batch again."
            ).format(id=item.batch_id)
        # One moderator unreachable must not stop the bot from starting.
        with suppress(TelegramAPIError):
            await bot.send_message(moderator.telegram_id, text)


STALE_BATCHES_EVERY = 300.0


def stale_batches_job(
    *, bot: Bot, session_maker: async_sessionmaker[AsyncSession], i18n: I18n
) -> Periodic:
    async def run(now: datetime) -> None:
        await recover_batches(bot, session_maker, i18n, opened_before=now - CLAIM)

    return Periodic("stale-batches", run, Every(STALE_BATCHES_EVERY))
