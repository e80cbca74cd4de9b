"""Privacy: the note in /start and /help (what is kept, who sees it, how to erase it) and the
/privacy screen (nickname consent, the personal weekly message)."""

from html import escape

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from models.volunteer import Volunteer
from services import privacy
from services.preferences import Preference, is_enabled
from views.labels import N_


def privacy_note() -> str:
    return _(
        "<b>Your data:</b> I keep your Telegram id, name, username, language and settings, and "
        "the reports you send. Other volunteers never see who reported what; boards show you "
        "only by a nickname you choose (/privacy). /mydata shows everything I keep about you, "
        "/forget_me erases it: your reports stay, without your name."
    )


class PrivacyChoice(CallbackData, prefix="privacy"):
    action: str  # "hide", "digest_on", "digest_off"


_PROBLEMS = {
    privacy.NicknameProblem.LENGTH: N_("A nickname has 3 to 20 characters."),
    privacy.NicknameProblem.CHARACTERS: N_(
        "Use letters, digits, spaces, dots, dashes or underscores only (no @ or links)."
    ),
    privacy.NicknameProblem.OWN_NAME: N_(
        "Choose a nickname that is not your name or username: it must not identify you."
    ),
    privacy.NicknameProblem.PHONE: N_(
        "A nickname must not contain a phone number or other long numbers: it could identify you."
    ),
    privacy.NicknameProblem.RESERVED: N_(
        "This nickname would pass you off as staff, as the bot or as the anonymous «Volunteer»: "
        "choose another one."
    ),
    privacy.NicknameProblem.TAKEN: N_(
        "Another volunteer already goes by this name: choose another nickname."
    ),
}


def nickname_problem(problem: privacy.NicknameProblem) -> str:
    return _(_PROBLEMS[problem])


def render_privacy(volunteer: Volunteer) -> tuple[str, InlineKeyboardMarkup]:
    if volunteer.public_consent and volunteer.nickname:
        shown = _("Leaderboards show you as «{nickname}».").format(
            nickname=escape(volunteer.nickname)
        )
    else:
        shown = _("Leaderboards show you as «Volunteer»: nobody sees who you are.")
    digest = (
        _("Personal weekly message: on.")
        if is_enabled(volunteer, Preference.DIGEST)
        else _("Personal weekly message: off.")
    )
    text = "\n".join(
        [
            _("<b>Privacy</b>"),
            shown,
            digest,
            "",
            _(
                "To appear under a nickname, send /privacy and the nickname, e.g. "
                "<code>/privacy Night Owl</code>. Never use your real name."
            ),
        ]
    )
    keyboard = InlineKeyboardBuilder()
    if volunteer.public_consent:
        keyboard.button(text=_("Hide me"), callback_data=PrivacyChoice(action="hide"))
    if is_enabled(volunteer, Preference.DIGEST):
        keyboard.button(
            text=_("Turn the weekly message off"),
            callback_data=PrivacyChoice(action="digest_off"),
        )
    else:
        keyboard.button(
            text=_("Turn the weekly message on"), callback_data=PrivacyChoice(action="digest_on")
        )
    keyboard.adjust(1)
    return text, keyboard.as_markup()
