"""When handling an update fails: one log line with the update and the user, a polite reply."""

import logging
from contextlib import suppress

from aiogram import Bot, Router
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, ErrorEvent, MaybeInaccessibleMessage, Message
from aiogram.utils.i18n import gettext as _

from services.update_work import UpdateWork

logger = logging.getLogger(__name__)


async def on_error(event: ErrorEvent, bot: Bot, work: UpdateWork | None = None) -> bool:
    update = event.update
    message = update.message or (update.callback_query.message if update.callback_query else None)
    user = update.message.from_user if update.message else None
    if update.callback_query is not None:
        user = update.callback_query.from_user
    logger.error(
        "update %s from user %s failed: %r",
        update.update_id,
        user.id if user else None,
        event.exception,
        exc_info=event.exception,
    )
    if work is not None and work.committed:
        # The work was saved (and maybe confirmed, with only Telegram's answer lost): never
        # say "something went wrong" about it, and do not invite a second try.
        await _saved_anyway(bot, update.callback_query, message)
        return True
    if update.callback_query is not None:
        with suppress(TelegramAPIError):
            await update.callback_query.answer(_("Something went wrong. Please try again."))
    if message is not None and message.chat.type == ChatType.PRIVATE:
        # The failure may have come after a commit, so promise nothing about what was saved.
        with suppress(TelegramAPIError):
            await bot.send_message(
                message.chat.id,
                _(
                    "Sorry, something went wrong on my side. Please try again in a minute; "
                    "/my shows which of your reports were saved."
                ),
            )
    return True


async def _saved_anyway(
    bot: Bot, query: CallbackQuery | None, message: Message | MaybeInaccessibleMessage | None
) -> None:
    if query is not None:
        with suppress(TelegramAPIError):
            await query.answer(_("Saved."))
        return
    if isinstance(message, Message) and message.chat.type == ChatType.PRIVATE:
        with suppress(TelegramAPIError):
            await bot.send_message(
                message.chat.id,
                _("Saved. If my answer did not reach you in full, /my shows your reports."),
            )


def create_router() -> Router:
    router = Router(name="errors")
    router.errors.register(on_error)
    return router
