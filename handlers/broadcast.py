"""/broadcast [ru|kk|en] <text>: an administrator's message to every volunteer, or to those
who read the bot in one language, sent only after a preview and a press on Send.

The command is recorded as a broadcast keyed by its chat and message, so a redelivered update
finds the broadcast it made and sends no second preview. Send and Cancel carry only the
broadcast's number; the role is read from the database on every press, and the state moves
only from "preview", so a second press changes nothing. The sending itself runs as a job
(bot/jobs/broadcast.py, `deps.broadcasts`) and resumes after a restart: at once in this
process when it does the background work, else by the worker, which looks for broadcasts in
state "sending" every `[worker] poll_seconds`.
"""

import re
from contextlib import suppress

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.deps import Deps
from models.base import saved_id
from models.enums import BroadcastState
from services import broadcast as broadcasts_service
from services.actor import Actor
from services.locales import SUPPORTED_LOCALES
from services.roles import is_admin
from views.broadcast import preview_header

_LANGUAGE_FIRST = re.compile(
    rf"({'|'.join(SUPPORTED_LOCALES)})\s+(\S.*)", re.IGNORECASE | re.DOTALL
)


class BroadcastAnswer(CallbackData, prefix="bc"):
    broadcast_id: int
    send: bool


def split_command(html_text: str) -> tuple[str | None, str]:
    """(language or None, text). The text may start on the next line, so split at any space;
    the administrator's formatting stays, as html_text renders their entities."""
    parts = html_text.split(maxsplit=1)
    text = parts[1].strip() if len(parts) > 1 else ""
    language = _LANGUAGE_FIRST.fullmatch(text)
    if language:
        return language[1].lower(), language[2].strip()
    return None, text


def _keyboard(broadcast_id: int) -> InlineKeyboardMarkup:
    keyboard = InlineKeyboardBuilder()
    keyboard.button(
        text=_("Send"), callback_data=BroadcastAnswer(broadcast_id=broadcast_id, send=True)
    )
    keyboard.button(
        text=_("Cancel"), callback_data=BroadcastAnswer(broadcast_id=broadcast_id, send=False)
    )
    return keyboard.as_markup()


async def cmd_broadcast(
    message: Message, *, session: AsyncSession, actor: Actor, deps: Deps
) -> None:
    if not is_admin(actor, deps.admin_ids):
        await message.answer(_("This command is for administrators only."))
        return
    language, text = split_command(message.html_text or "")
    if not text:
        await message.answer(
            _(
                "Write the text after the command: /broadcast Hello! Only for those who read me "
                "in Kazakh: /broadcast kk Hello!"
            )
        )
        return
    broadcast, created = await broadcasts_service.prepare(
        session,
        created_by_id=actor.id,
        chat_id=message.chat.id,
        request_message_id=message.message_id,
        text=text,
        language=language,
    )
    broadcast_id = saved_id(broadcast)
    if not created and broadcast.status_message_id is not None:
        return  # the same update again: its preview is on the screen already
    if broadcast.state is not BroadcastState.PREVIEW:
        return
    recipients = await broadcasts_service.broadcast_recipients(session, language=language)
    header = await message.answer(preview_header(broadcast_id, len(recipients), language))
    await broadcasts_service.remember_status_message(
        session, broadcast_id=broadcast_id, message_id=header.message_id
    )
    await message.answer(broadcast.text, reply_markup=_keyboard(broadcast_id))


async def on_broadcast_answer(
    query: CallbackQuery,
    callback_data: BroadcastAnswer,
    *,
    session: AsyncSession,
    actor: Actor,
    deps: Deps,
    bot: Bot,
) -> None:
    if not is_admin(actor, deps.admin_ids):
        await query.answer(_("This command is for administrators only."), show_alert=True)
        return
    broadcast_id = callback_data.broadcast_id
    if not callback_data.send:
        if not await broadcasts_service.cancel(session, broadcast_id=broadcast_id):
            await query.answer(_("This broadcast was already sent or cancelled."), show_alert=True)
            return
        await query.answer(_("Cancelled: nothing was sent."))
        await _drop_buttons(query)
        return
    started = await broadcasts_service.start(session, broadcast_id=broadcast_id)
    if started is None:
        await query.answer(_("This broadcast was already sent or cancelled."), show_alert=True)
        return
    await query.answer(_("Sending to {count} volunteers…").format(count=started.total))
    await _drop_buttons(query)
    if deps.work_here.active:
        deps.jobs.spawn(deps.broadcasts.run(bot=bot, broadcast_id=broadcast_id), name="broadcast")


async def _drop_buttons(query: CallbackQuery) -> None:
    """The buttons go; the text stays as the record of what was (or was not) sent."""
    if isinstance(query.message, Message):
        with suppress(TelegramAPIError):  # a courtesy: the state is already in the database
            await query.message.edit_reply_markup(reply_markup=None)


def create_router() -> Router:
    router = Router(name="broadcast")
    router.message.register(cmd_broadcast, Command("broadcast"))
    router.callback_query.register(on_broadcast_answer, BroadcastAnswer.filter())
    return router
