"""Filters of the graffiti conversation (async, as every filter here: see handlers/filters.py)."""

import re
from typing import Any

from aiogram import Bot
from aiogram.filters import Filter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, PhotoSize
from sqlmodel.ext.asyncio.session import AsyncSession
from typing_extensions import override

from services.actor import Actor
from services.graffiti.conversation import open_draft
from services.report_numbers import NUMBER, first_mention

_PAINTED = re.compile(rf"^/painted(?:@\w+)?\s+{NUMBER}", re.IGNORECASE)
# FSM data: [album id, report] of the last after-photo album, whose later photos carry no
# caption. The parts of an album are handled one after another (per-user event isolation).
AFTER_ALBUM = "graffiti_after_album"
# FSM data: whether the volunteer may have a graffiti conversation open, so that plain text
# (every link) does not query drafts. True is set wherever a draft opens (`conversation_opened`)
# and means "look": the draft may have been saved by the background finisher meanwhile, and the
# one query that finds none sets False. False is set only after a query found no draft (or
# /cancel dropped them). Absent (a new volunteer, memory storage after a restart, /forget_me)
# means unknown: one query, then known.
CONVERSATION = "graffiti_conversation"


async def conversation_opened(state: FSMContext) -> None:
    await state.update_data({CONVERSATION: True})


async def conversation_closed(state: FSMContext) -> None:
    await state.update_data({CONVERSATION: False})


def largest(sizes: list[PhotoSize]) -> PhotoSize:
    return max(sizes, key=lambda size: (size.width * size.height, size.file_size or 0))


class ImageMessage(Filter):
    """A compressed photo, or an image sent as a file."""

    async def __call__(self, message: Message) -> bool:
        if message.photo:
            return True
        document = message.document
        return document is not None and (document.mime_type or "").startswith("image/")


class AfterPhoto(Filter):
    """An image captioned `/painted N`, or sent in reply to the bot's message naming `#N`, or a
    later photo of such an album (`album_part`: the album's first photo was answered)."""

    async def __call__(
        self, message: Message, bot: Bot, state: FSMContext | None = None
    ) -> bool | dict[str, Any]:
        if not await ImageMessage()(message):
            return False
        if message.media_group_id is not None and state is not None:
            album = (await state.get_data()).get(AFTER_ALBUM)
            if album and album[0] == message.media_group_id:
                return {"painted_id": int(album[1]), "album_part": True}
        command = _PAINTED.match(message.caption or "")
        if command:
            return {"painted_id": int(command[1])}
        replied = message.reply_to_message
        if replied is None or replied.from_user is None or replied.from_user.id != bot.id:
            return False
        number = first_mention(replied.text or replied.caption)
        return {"painted_id": number} if number is not None else False


class WithoutMedia(Filter):
    async def __call__(self, message: Message) -> bool:
        return not (message.photo or message.document)


async def conversation_known_closed(state: FSMContext) -> bool:
    """No graffiti conversation, for certain, without a query (see CONVERSATION)."""
    return (await state.get_data()).get(CONVERSATION) is False


class InConversation(Filter):
    """The volunteer has a graffiti conversation open; its draft is passed on."""

    @override
    async def __call__(
        self,
        event: Message | CallbackQuery,
        session: AsyncSession,
        actor: Actor | None = None,
        state: FSMContext | None = None,
    ) -> bool | dict[str, Any]:
        if actor is None:
            return False
        known = (await state.get_data()).get(CONVERSATION) if state is not None else None
        if known is False:
            return False
        draft = await open_draft(session, volunteer_id=actor.id)
        if state is not None and known is not (draft is not None):
            await state.update_data({CONVERSATION: draft is not None})
        return {"draft": draft} if draft is not None else False


class PlainText(Filter):
    async def __call__(self, message: Message) -> bool:
        return bool(message.text) and not (message.text or "").startswith("/")


class HasLocation(Filter):
    async def __call__(self, message: Message) -> bool:
        return message.location is not None
