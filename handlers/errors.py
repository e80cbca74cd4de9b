"""When handling an update fails: one log line with the update and the user, a polite reply."""

import logging
from contextlib import suppress

from aiogram import Bot, Router
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.types import ErrorEvent
from aiogram.utils.i18n import gettext as _

logger = logging.getLogger(__name__)


async def on_error(event: ErrorEvent, bot: Bot) -> bool:
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


def create_router() -> Router:
    router = Router(name="errors")
    router.errors.register(on_error)
    return router
