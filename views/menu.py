"""Command menus per role, in every language; shown next to the input field by Telegram."""

import logging
from collections.abc import Sequence

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from aiogram.utils.i18n import I18n

from services.locales import SUPPORTED_LOCALES
from views.labels import N_

logger = logging.getLogger(__name__)

VOLUNTEER_COMMANDS: list[tuple[str, str]] = [
    ("start", N_("Welcome and safety rules")),
    ("help", N_("What to send")),
    ("my", N_("My reports")),
    ("withdraw", N_("Withdraw my new report: /withdraw N")),
    ("note", N_("A note for the moderators: /note N text")),
    ("stats", N_("My numbers")),
    ("top", N_("Leaderboards")),
    ("squad", N_("My squad: /squad CODE to join")),
    ("privacy", N_("Nickname and weekly message")),
    ("settings", N_("Notifications")),
    ("lang", N_("Language")),
    ("mydata", N_("What the bot keeps about me")),
    ("forget_me", N_("Erase my data")),
    ("painted", N_("A wall is painted over: photo with /painted N")),
    ("cancel", N_("Cancel the graffiti report being filled in")),
]

SENIOR_COMMANDS: list[tuple[str, str]] = [
    ("check", N_("Pre-check new reports: drugs or not")),
]

MODERATOR_COMMANDS: list[tuple[str, str]] = [
    ("queue", N_("Next report to triage")),
    ("report", N_("A report in full: /report N")),
    ("find", N_("Find reports by link, domain or @handle")),
    ("accept", N_("Accept reports: /accept N… category")),
    ("reject", N_("Reject reports: /reject N… [reason]")),
    ("merge", N_("Merge duplicates: /merge N into M")),
    ("batch", N_("Send accepted reports to Kibernadzor as files")),
    ("batches", N_("Batches sent so far")),
    ("blocked", N_("Record blocked reports: /blocked N…")),
    ("declined", N_("Record declined reports: /declined N… [reason]")),
    ("still_online", N_("Sent reports still online: /still_online N…")),
    ("reappeared", N_("Blocked reports back online: /reappeared N…")),
    ("recheck", N_("Check reports' targets now: /recheck N…")),
    ("probe_status", N_("The checks: queue, last run, verdicts")),
    ("ban", N_("Ban a volunteer: /ban id [reason]")),
    ("unban", N_("Lift a ban: /unban id")),
    ("digest_preview", N_("The weekly digest, not posted")),
    ("digest_now", N_("Post last week's digest now")),
    ("assign", N_("Assign graffiti to a crew: /assign N… district")),
    ("graffiti_batch", N_("Graffiti for the crews as files: /graffiti_batch [district]")),
    ("photo", N_("A graffiti report's photos, without metadata: /photo N")),
    ("claims", N_("Volunteers' «after» photos to confirm")),
]

ADMIN_COMMANDS: list[tuple[str, str]] = [
    ("grant", N_("Make a moderator: /grant id|@username")),
    ("revoke", N_("Take the moderator role: /revoke id|@username")),
    ("grant_senior", N_("Make a senior volunteer: /grant_senior id|@username")),
    ("revoke_senior", N_("Take the senior role: /revoke_senior id|@username")),
    ("seniors", N_("Senior volunteers and their agreement with moderators")),
    ("broadcast", N_("Message volunteers, after a preview: /broadcast [ru|kk|en] text")),
    ("squad_add", N_("Create a squad: /squad_add name")),
    ("squad_curator", N_("Make a squad curator: /squad_curator CODE id|@username")),
    ("backup", N_("Get a copy of the database as a file")),
]


def command_names(commands: Sequence[tuple[str, str]]) -> list[str]:
    return [name for name, _ in commands]


def _localised(commands: Sequence[tuple[str, str]], i18n: I18n, locale: str) -> list[BotCommand]:
    return [
        BotCommand(command=name, description=i18n.gettext(text, locale=locale))
        for name, text in commands
    ]


async def set_default_menu(bot: Bot, i18n: I18n) -> None:
    for locale in SUPPORTED_LOCALES:
        await bot.set_my_commands(
            _localised(VOLUNTEER_COMMANDS, i18n, locale),
            scope=BotCommandScopeDefault(),
            language_code=locale,
        )
    await bot.set_my_commands(_localised(VOLUNTEER_COMMANDS, i18n, "ru"))


async def set_staff_menu(
    bot: Bot, i18n: I18n, *, chat_id: int, locale: str, admin: bool = False
) -> bool:
    """A chat-scoped menu for a moderator or administrator; False if Telegram refused it.

    A chat-scoped menu needs a chat the bot has seen, so an administrator who never opened the
    bot gets a warning in the log instead of a failed start.
    """
    commands = [*VOLUNTEER_COMMANDS, *MODERATOR_COMMANDS, *(ADMIN_COMMANDS if admin else [])]
    try:
        await bot.set_my_commands(
            _localised(commands, i18n, locale), scope=BotCommandScopeChat(chat_id=chat_id)
        )
    except TelegramAPIError as error:
        logger.warning("cannot set the staff menu for chat %s: %s", chat_id, error)
        return False
    return True


async def set_volunteer_menu(
    bot: Bot, i18n: I18n, *, chat_id: int, locale: str, senior: bool = False
) -> None:
    """The volunteer menu (with /check for a senior) in the language chosen with /lang rather
    than Telegram's own."""
    commands = [*VOLUNTEER_COMMANDS, *(SENIOR_COMMANDS if senior else [])]
    try:
        await bot.set_my_commands(
            _localised(commands, i18n, locale),
            scope=BotCommandScopeChat(chat_id=chat_id),
        )
    except TelegramAPIError as error:
        logger.warning("cannot set the volunteer menu for chat %s: %s", chat_id, error)


async def set_menu_for(
    bot: Bot,
    i18n: I18n,
    *,
    chat_id: int,
    locale: str,
    moderator: bool,
    admin: bool,
    senior: bool = False,
) -> None:
    """Whatever menu this person's role calls for, in `locale`."""
    if moderator or admin:
        await set_staff_menu(bot, i18n, chat_id=chat_id, locale=locale, admin=admin)
    else:
        await set_volunteer_menu(bot, i18n, chat_id=chat_id, locale=locale, senior=senior)


async def remove_staff_menu(bot: Bot, *, chat_id: int) -> None:
    try:
        await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id=chat_id))
    except TelegramAPIError as error:
        logger.warning("cannot remove the staff menu for chat %s: %s", chat_id, error)
