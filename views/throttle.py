"""The one notice a throttled volunteer gets per window (services/throttle.py)."""

from aiogram.utils.i18n import gettext as _

from services.throttle import Limit


def throttle_notice(limit: Limit, minutes: int) -> str:
    # "min" keeps the number free of plural forms in all three languages.
    if limit is Limit.LINKS:
        text = _(
            "You have sent a lot of links this hour. I did not save this message, and I will "
            "not save what you send in the next {minutes} min. Please send it again after that."
        )
    else:
        text = _(
            "You are sending messages too fast. I did not save this message, and I will not "
            "save what you send in the next {minutes} min. Please send it again after that."
        )
    return text.format(minutes=minutes)
