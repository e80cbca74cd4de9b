"""Router filters. Async on purpose: aiogram runs synchronous filters in a worker thread."""

from typing import Any

from aiogram.enums import ChatType
from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message
from typing_extensions import override

from handlers.deps import Deps
from services.actor import Actor
from services.roles import is_admin, is_moderator, is_senior


class PrivateChat(Filter):
    @override
    async def __call__(self, event: Message | CallbackQuery) -> bool:
        message = event.message if isinstance(event, CallbackQuery) else event
        return message is not None and message.chat.type == ChatType.PRIVATE


class GroupChat(Filter):
    @override
    async def __call__(self, event: Message | CallbackQuery) -> bool:
        message = event.message if isinstance(event, CallbackQuery) else event
        return message is not None and message.chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)


class ModeratorsGroup(Filter):
    """The group configured as `moderation.chat_id`."""

    async def __call__(self, event: Message | CallbackQuery, deps: Deps) -> bool:
        message = event.message if isinstance(event, CallbackQuery) else event
        return (
            message is not None
            and deps.moderation_chat_id is not None
            and (message.chat.id == deps.moderation_chat_id)
        )


class ModeratorOnly(Filter):
    """Passes moderators and administrators, judged by the actor read for this update.

    The VolunteerMiddleware reads the row from the database for every update, so a revoked
    moderator loses access at once, whatever buttons they still have on screen.
    """

    @override
    async def __call__(self, event: Any, *, deps: Deps,
                       actor: Actor | None = None) -> bool:  # fmt: skip
        return is_moderator(actor, deps.admin_ids)


class AdminOnly(Filter):
    @override
    async def __call__(self, event: Any, *, deps: Deps,
                       actor: Actor | None = None) -> bool:  # fmt: skip
        return is_admin(actor, deps.admin_ids)


class SeniorOnly(Filter):
    """Passes senior volunteers, judged by the actor read from the database for this update:
    a revoked senior's old buttons stop working at once."""

    @override
    async def __call__(self, event: Any, *, actor: Actor | None = None) -> bool:
        return is_senior(actor)
