"""Register the command menus at start-up."""

from collections.abc import Sequence

from aiogram import Bot
from aiogram.utils.i18n import I18n

from handlers.menu import set_default_menu, set_staff_menu
from services.locales import DEFAULT_LOCALE


async def register_commands(bot: Bot, i18n: I18n, admin_ids: Sequence[int]) -> None:
    """Volunteers get the default menu; each administrator a menu with every command."""
    await set_default_menu(bot, i18n)
    for admin_id in admin_ids:
        await set_staff_menu(bot, i18n, chat_id=admin_id, locale=DEFAULT_LOCALE, admin=True)
