from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.enums import ChatType
from aiogram.types import Chat, TelegramObject, User

from services import volunteers
from services.actor import actor_of
from services.volunteer_cache import VolunteerCache


class VolunteerMiddleware(BaseMiddleware):
    """Registers whoever writes to the bot privately, so a link alone is enough to take part,
    and hands handlers the sender as an `actor` (services.actor.Actor) read for this update.

    Plain volunteers come from a small cache when nothing about them changed (see
    services/volunteer_cache.py); staff are read from the database on every update.

    Group members are not registered: the bot takes no reports in groups. In the configured
    moderators' group an existing row is loaded (never created), so that staff commands sent
    there are judged by the sender's role in the database.
    """

    def __init__(self, *, moderation_chat_id: int | None, cache: VolunteerCache) -> None:
        self.moderation_chat_id = moderation_chat_id
        self.cache = cache

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
            data["actor"] = await volunteers.resolve(
                data["session"],
                self.cache,
                telegram_id=user.id,
                first_name=user.first_name,
                username=user.username,
                telegram_language=user.language_code,
            )
        elif (
            user is not None
            and chat is not None
            and self.moderation_chat_id is not None
            and chat.id == self.moderation_chat_id
        ):
            found = await volunteers.get_by_telegram_id(data["session"], user.id)
            if found is not None:
                data["actor"] = actor_of(found)
        work = data.get("work")
        if work is not None:
            work.committed = False  # registering the sender is not what the update asked for
        return await handler(event, data)
