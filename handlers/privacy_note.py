"""The privacy note shown in /start and /help: what is kept, who sees it, how to erase it."""

from aiogram.utils.i18n import gettext as _


def privacy_note() -> str:
    return _(
        "<b>Your data:</b> I keep your Telegram id, name, username, language and settings, and "
        "the reports you send. Other volunteers never see who reported what; boards show you "
        "only by a nickname you choose (/privacy). /mydata shows everything I keep about you, "
        "/forget_me erases it: your reports stay, without your name."
    )
