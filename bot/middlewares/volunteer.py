from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.enums import ChatType
from aiogram.types import Chat, TelegramObject, User

from services import volunteers


class VolunteerMiddleware(BaseMiddleware):
    """Registers whoever writes to the bot privately, so a link alone is enough to take part.

    Group members are not registered: the bot takes no reports in groups.
    """

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        chat: Chat | None = data.get("event_chat")
        if (
            user is not None
            and not user.is_bot
            and chat is not None
            and chat.type == ChatType.PRIVATE
        ):
            data["volunteer"] = await volunteers.register(
                data["session"],
                telegram_id=user.id,
                first_name=user.first_name,
                username=user.username,
                telegram_language=user.language_code,
            )
        return await handler(event, data)
