"""The one place that assembles the bot: production and tests build it the same way."""

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
from bot.middlewares.db import DbSessionMiddleware
from bot.middlewares.locale import LocaleMiddleware
from bot.middlewares.volunteer import VolunteerMiddleware
from bot.storage import create_fsm_storage
from handlers import build_routers


def create_bot(settings: Settings, session: BaseSession | None = None) -> Bot:
    if session is None:
        session = AiohttpSession()
        if settings.telegram.api_base:
            session.api = TelegramAPIServer.from_base(settings.telegram.api_base)
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
) -> Dispatcher:
    storage, events_isolation = create_fsm_storage(settings)
    dispatcher = Dispatcher(
        storage=storage,
        events_isolation=events_isolation,
        settings=settings,
        session_maker=session_maker,
        max_links_per_message=settings.intake.max_links_per_message,
        admin_ids=frozenset(settings.access.admins),
        claim_minutes=settings.moderation.claim_minutes,
        moderation_chat_id=settings.moderation.chat_id,
    )
    dispatcher.update.outer_middleware(DbSessionMiddleware(session_maker))
    # Registration must run before the locale middleware, which reads the volunteer's choice.
    volunteer_middleware = VolunteerMiddleware()
    dispatcher.message.outer_middleware(volunteer_middleware)
    dispatcher.callback_query.outer_middleware(volunteer_middleware)
    LocaleMiddleware(i18n).setup(dispatcher)
    dispatcher.include_routers(*build_routers())
    return dispatcher
