"""Register the command menus at start-up."""

from collections.abc import Sequence

from aiogram import Bot
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from services.locales import pick_locale
from services.roles import senior_languages, staff_languages
from views.menu import set_default_menu, set_staff_menu, set_volunteer_menu


async def register_commands(
    bot: Bot,
    i18n: I18n,
    admin_ids: Sequence[int],
    session_maker: async_sessionmaker[AsyncSession],
) -> None:
    """Volunteers get the default menu; each moderator and administrator the staff menu, and
    each senior volunteer the volunteers' menu with /check, in the language they chose with
    /lang (a restart must not switch it back)."""
    await set_default_menu(bot, i18n)
    async with session_maker() as session:
        staff = await staff_languages(session, admin_ids)
        seniors = await senior_languages(session)
    for chat_id, (chosen, telegram_language) in seniors.items():
        await set_volunteer_menu(
            bot, i18n, chat_id=chat_id, locale=pick_locale(chosen, telegram_language), senior=True
        )
    for chat_id, (chosen, telegram_language) in staff.items():
        await set_staff_menu(
            bot,
            i18n,
            chat_id=chat_id,
            locale=pick_locale(chosen, telegram_language),
            admin=chat_id in admin_ids,
        )
