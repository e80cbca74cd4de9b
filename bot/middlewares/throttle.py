from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.enums import ChatType
from aiogram.types import Message, TelegramObject

from models.enums import Role
from services.actor import Actor
from services.throttle import Throttle, Verdict
from views.throttle import throttle_notice

# Handlers that take a message's links read them from here (key `counted_links`) instead of
# extracting them again: the throttle had to find them first to count them.
LINKS_KEY = "counted_links"


class ThrottleMiddleware(BaseMiddleware):
    """Refuses a volunteer's message over the per-user limits before any handler runs, so a
    throttled message stores nothing: no report, sighting, draft or photo.

    Registered after the volunteer middleware (it reads the `actor` and its role, read from
    the database for staff) and after the locale middleware (the notice is in the volunteer's
    language). Moderators and administrators are never throttled, and neither is anything
    outside private chats: the bot stores nothing from groups, and staff in a group have no
    actor to prove who they are. Button presses are not throttled: they only act on what the
    bot already showed, and each costs the bot an answer Telegram expects.
    """

    def __init__(
        self,
        throttle: Throttle,
        *,
        admin_ids: frozenset[int],
        extract_links: Callable[[Message], list[str]],
    ) -> None:
        self.throttle = throttle
        self.admin_ids = admin_ids
        # handlers.message_links.message_links, passed in: bot/ may not import handlers.
        self.extract_links = extract_links

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        actor: Actor | None = data.get("actor")
        if (
            not self.throttle.enabled
            or not isinstance(event, Message)
            or event.chat.type != ChatType.PRIVATE
            or actor is None
            # Senior volunteers send links as volunteers do: only moderators are exempt.
            or actor.role == Role.MODERATOR
            or actor.telegram_id in self.admin_ids
        ):
            return await handler(event, data)
        links = self.extract_links(event) if event.text or event.caption else []
        decision = await self.throttle.check(
            actor.telegram_id, links=len(links), album=event.media_group_id
        )
        if decision.verdict is Verdict.ADMIT:
            data[LINKS_KEY] = links
            return await handler(event, data)
        if decision.verdict is Verdict.NOTIFY:
            assert decision.limit is not None
            await event.answer(throttle_notice(decision.limit, decision.retry_minutes))
        return None
