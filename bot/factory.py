"""The one place that assembles the bot: production and tests build it the same way."""

import asyncio

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.jobs.broadcast import BroadcastRunner
from bot.jobs.digest import BulkMessages, weights_of
from bot.jobs.graffiti import graffiti_options
from bot.jobs.runner import JobRunner
from bot.middlewares.db import DbSessionMiddleware
from bot.middlewares.locale import LocaleMiddleware
from bot.middlewares.volunteer import VolunteerMiddleware
from bot.storage import create_fsm_storage
from bot.telegram_retry import TelegramRetryMiddleware
from bot.unchanged_edits import UnchangedEditMiddleware
from handlers import build_routers
from services.graffiti.photo_index import PhashIndex
from services.pacing import PacedSender
from services.photos.pixel_limit import configure_pillow


def create_bot(settings: Settings, session: BaseSession | None = None) -> Bot:
    if session is None:
        session = AiohttpSession()
        if settings.telegram.api_base:
            session.api = TelegramAPIServer.from_base(settings.telegram.api_base)
    session.middleware(TelegramRetryMiddleware())
    session.middleware(UnchangedEditMiddleware())
    return Bot(
        token=settings.telegram.token.get_secret_value(),
        session=session,
        # Previews would show volunteers the drug shops' own pages: never render them.
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


def create_dispatcher(
    *,
    settings: Settings,
    session_maker: async_sessionmaker[AsyncSession],
    i18n: I18n,
    sender: PacedSender | None = None,
) -> Dispatcher:
    storage, events_isolation = create_fsm_storage(settings)
    configure_pillow(settings.graffiti.max_megapixels * 1_000_000)
    dispatcher = Dispatcher(
        storage=storage,
        events_isolation=events_isolation,
        settings=settings,
        session_maker=session_maker,
        max_links_per_message=settings.intake.max_links_per_message,
        admin_ids=frozenset(settings.access.admins),
        claim_minutes=settings.moderation.claim_minutes,
        moderation_chat_id=settings.moderation.chat_id,
        # The one paced sender of the process: every bulk send shares its limits.
        sender=sender or PacedSender(rate_per_second=settings.sender.rate_per_second),
        # Set it after writing Notice rows to have the drainer deliver them at once.
        notice_wakeup=asyncio.Event(),
        graffiti_options=graffiti_options(settings),
        # Loaded from the database on first use; one per process (services/graffiti/photo_index).
        phash_index=PhashIndex(),
    )
    # The one runner of background work: /digest_now and /broadcast spawn their jobs on it
    # (handlers cannot import bot/); bot/__main__.py declares the periodic jobs and starts it.
    dispatcher["jobs"] = JobRunner()
    dispatcher["bulk"] = BulkMessages(
        settings=settings, session_maker=session_maker, i18n=i18n, sender=dispatcher["sender"]
    )
    dispatcher["broadcasts"] = BroadcastRunner(
        session_maker=session_maker, i18n=i18n, sender=dispatcher["sender"]
    )
    dispatcher["point_weights"] = weights_of(settings)
    dispatcher.update.outer_middleware(DbSessionMiddleware(session_maker))
    # Registration must run before the locale middleware, which reads the volunteer's choice.
    volunteer_middleware = VolunteerMiddleware()
    dispatcher.message.outer_middleware(volunteer_middleware)
    dispatcher.edited_message.outer_middleware(volunteer_middleware)
    dispatcher.callback_query.outer_middleware(volunteer_middleware)
    LocaleMiddleware(i18n).setup(dispatcher)
    dispatcher.include_routers(*build_routers())
    return dispatcher
