"""The command menu Telegram shows next to the input field, in every supported language."""

import logging
from collections.abc import Sequence

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from aiogram.utils.i18n import I18n

from services.locales import SUPPORTED_LOCALES

logger = logging.getLogger(__name__)


def N_(message: str) -> str:  # noqa: N802 (the gettext convention for "mark, translate later")
    return message


VOLUNTEER_COMMANDS: list[tuple[str, str]] = [
    ("start", N_("Welcome and safety rules")),
    ("help", N_("What to send")),
    ("my", N_("My reports")),
    ("stats", N_("My numbers")),
    ("lang", N_("Language")),
]

ADMIN_COMMANDS: list[tuple[str, str]] = []


def _localised(commands: Sequence[tuple[str, str]], i18n: I18n, locale: str) -> list[BotCommand]:
    return [
        BotCommand(command=name, description=i18n.gettext(text, locale=locale))
        for name, text in commands
    ]


async def register_commands(bot: Bot, i18n: I18n, admin_ids: Sequence[int]) -> None:
    """Volunteers get the default menu; each administrator a menu with their own commands.

    A chat-scoped menu needs a chat the bot has seen: an administrator who never opened the
    bot gets a warning in the log, not a failed start.
    """
    for locale in SUPPORTED_LOCALES:
        await bot.set_my_commands(
            _localised(VOLUNTEER_COMMANDS, i18n, locale),
            scope=BotCommandScopeDefault(),
            language_code=locale,
        )
    await bot.set_my_commands(
        _localised(VOLUNTEER_COMMANDS, i18n, "ru"), scope=BotCommandScopeDefault()
    )
    for admin_id in admin_ids:
        try:
            await bot.set_my_commands(
                _localised([*VOLUNTEER_COMMANDS, *ADMIN_COMMANDS], i18n, "ru"),
                scope=BotCommandScopeChat(chat_id=admin_id),
            )
        except TelegramAPIError as error:
            logger.warning("cannot set the admin menu for %s: %s", admin_id, error)
