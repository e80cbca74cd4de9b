"""Telegram's "message is not modified" is a success, for the whole bot in one place.

A second press on a button (a slow network, an impatient thumb) renders the same screen again,
and Telegram refuses an edit that changes nothing with a 400. The screen already shows what the
handler wanted, so the edit is treated as done: the handler goes on (answers the button press)
and the user never hears "something went wrong".
"""

from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import (
    EditMessageCaption,
    EditMessageMedia,
    EditMessageReplyMarkup,
    EditMessageText,
    TelegramMethod,
)

EDITS = (EditMessageText, EditMessageReplyMarkup, EditMessageCaption, EditMessageMedia)


def is_not_modified(error: TelegramBadRequest) -> bool:
    return "message is not modified" in error.message


class UnchangedEditMiddleware(BaseRequestMiddleware):
    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[Any],
        bot: Bot,
        method: TelegramMethod[Any],
    ) -> Any:
        try:
            return await make_request(bot, method)
        except TelegramBadRequest as error:
            if isinstance(method, EDITS) and is_not_modified(error):
                return True  # what Telegram answers for an edit it need not return
            raise
