from typing import Any

from aiogram.types import TelegramObject, User
from aiogram.utils.i18n import I18nMiddleware
from typing_extensions import override

from services.actor import Actor
from services.locales import pick_locale


class LocaleMiddleware(I18nMiddleware):
    """The volunteer's chosen language, else Telegram's language, else Russian."""

    @override
    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        actor: Actor | None = data.get("actor")
        user: User | None = data.get("event_from_user")
        chosen = actor.language if actor is not None else None
        return pick_locale(chosen, user.language_code if user is not None else None)
