"""The graffiti finisher: conversations left unanswered are saved, never lost (every 30 s)."""

import logging
from datetime import datetime
from pathlib import Path

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import BaseStorage, StorageKey
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.delivery import message_delivery
from bot.jobs.runner import Periodic
from bot.jobs.schedules import Every
from models.volunteer import Volunteer
from services.graffiti.finish import FinishedReport, finish_abandoned
from services.graffiti.options import GraffitiOptions
from services.graffiti.photo_index import PhashIndex
from services.locales import pick_locale
from services.pacing import Delivery, DeliveryOutcome, PacedSender
from views.graffiti_dialogue import DialogueKeyboards

logger = logging.getLogger(__name__)

CHECK_EVERY_SECONDS = 30


def graffiti_options(settings: Settings) -> GraffitiOptions:
    photo_dir = settings.storage.photo_dir.strip()
    return GraffitiOptions(
        finish_after_minutes=settings.graffiti.finish_after_minutes,
        duplicate_distance=settings.graffiti.duplicate_distance,
        same_wall_radius_m=settings.graffiti.same_wall_radius_m,
        max_file_bytes=settings.graffiti.max_file_mb * 1024 * 1024,
        max_pixels=settings.graffiti.max_megapixels * 1_000_000,
        photo_dir=Path(photo_dir) if photo_dir else None,
    )


async def finish_abandoned_once(
    *,
    bot: Bot,
    session_maker: async_sessionmaker[AsyncSession],
    i18n: I18n,
    options: GraffitiOptions,
    index: PhashIndex,
    sender: PacedSender,
    storage: BaseStorage | None = None,
    now: datetime | None = None,
) -> list[FinishedReport]:
    """Save quiet conversations and tell each volunteer the number their photo got.

    The messages go through the paced sender: after a weekend burst one pass may save hundreds.
    With the dispatcher's FSM `storage`, the conversation's buttons leave the volunteer's screen
    first, as when the volunteer ends it (handlers/graffiti_keyboards); without it they stay.
    """
    deliveries = []
    async with session_maker() as session:
        finished = await finish_abandoned(session, options=options, index=index, now=now)
        for report in finished:
            volunteer = await session.get(Volunteer, report.volunteer_id)
            locale = pick_locale(
                volunteer.language if volunteer else None,
                volunteer.telegram_language if volunteer else None,
            )
            text = i18n.gettext(
                "#{id} — your graffiti photo was saved with what you gave, thank you. "
                "Reply to this message with an «after» photo when the wall is painted over.",
                locale=locale,
            ).format(id=report.report_id)
            tidy = None
            if storage is not None and volunteer is not None:
                key = StorageKey(
                    bot_id=bot.id, chat_id=report.chat_id, user_id=volunteer.telegram_id
                )
                tidy = await DialogueKeyboards(FSMContext(storage, key), bot).detach()
            deliveries.append(
                message_delivery(bot, report.chat_id, text, key=report.report_id, first=tidy)
            )
    await sender.deliver(deliveries, on_outcome=_log_undelivered)
    return finished


async def _log_undelivered(delivery: Delivery, outcome: DeliveryOutcome) -> None:
    if outcome is not DeliveryOutcome.SENT:
        logger.warning(
            "cannot tell chat %s about #%s: %s", delivery.chat_id, delivery.key, outcome
        )


def graffiti_finisher(
    *,
    bot: Bot,
    session_maker: async_sessionmaker[AsyncSession],
    i18n: I18n,
    options: GraffitiOptions,
    index: PhashIndex,
    sender: PacedSender,
    storage: BaseStorage,
) -> Periodic:
    async def run(now: datetime) -> list[FinishedReport]:
        return await finish_abandoned_once(
            bot=bot,
            session_maker=session_maker,
            i18n=i18n,
            options=options,
            index=index,
            sender=sender,
            storage=storage,
            now=now,
        )

    return Periodic("graffiti-finisher", run, Every(CHECK_EVERY_SECONDS))
