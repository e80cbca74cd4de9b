"""The message someone gets when they are made a moderator or a squad's curator: what the role
is and which commands it brings, in their own language."""

import logging
from html import escape

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from models.volunteer import Volunteer
from services.locales import pick_locale
from views.start import staff_help

logger = logging.getLogger(__name__)


def locale_of(volunteer: Volunteer) -> str:
    return pick_locale(volunteer.language, volunteer.telegram_language)


async def _tell(bot: Bot, volunteer: Volunteer, text: str) -> bool:
    try:
        await bot.send_message(volunteer.telegram_id, text)
    except TelegramAPIError as error:
        # The role is granted either way; the granter is told the person did not hear of it.
        logger.warning("role notice not delivered to %s: %s", volunteer.telegram_id, error)
        return False
    return True


async def tell_new_moderator(bot: Bot, i18n: I18n, volunteer: Volunteer) -> bool:
    with i18n.use_locale(locale_of(volunteer)):
        text = (
            _(
                "You are now a moderator. You triage what volunteers send, send batches to "
                "Kibernadzor and record what was blocked or painted over. Never tell anyone "
                "who reported what. Your command menu now has the staff commands; "
                "/help lists them again."
            )
            + "\n\n"
            + staff_help(admin=False)
        )
    return await _tell(bot, volunteer, text)


async def tell_new_senior(bot: Bot, i18n: I18n, volunteer: Volunteer) -> bool:
    with i18n.use_locale(locale_of(volunteer)):
        text = _(
            "You are now a senior volunteer. /check shows new reports one at a time, only the "
            "link: say whether each looks like drugs, not drugs, or that you are not sure. Two "
            "agreeing seniors move a report up the moderators' queue; a moderator still decides. "
            "Your votes count while they mostly agree with the moderators' decisions. Never "
            "write to sellers, never pay, never follow payment links."
        )
    return await _tell(bot, volunteer, text)


async def tell_new_curator(
    bot: Bot, i18n: I18n, volunteer: Volunteer, *, squad_name: str, code: str
) -> bool:
    with i18n.use_locale(locale_of(volunteer)):
        text = _(
            "You now curate the squad «{name}». /squad shows its members' numbers this week "
            "and in all; friends join with /squad {code}. Members appear only under the "
            "nicknames they chose."
        ).format(name=escape(squad_name), code=code)
    return await _tell(bot, volunteer, text)
