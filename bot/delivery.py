"""The adapter between aiogram and the paced sender: Telegram's errors in the sender's terms."""

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import Message

from bot.telegram_retry import CALLER_RETRIES
from services.pacing import Delivery, RecipientUnavailable, RetryAfter, TransientError

T = TypeVar("T")

# Bad Request descriptions that mean the recipient is gone for good, not that our request was bad.
_GONE = ("chat not found", "user is deactivated", "bot was blocked", "peer_id_invalid")


def is_gone(error: TelegramBadRequest | TelegramForbiddenError) -> bool:
    return isinstance(error, TelegramForbiddenError) or any(
        phrase in error.message.lower() for phrase in _GONE
    )


def telegram_call(call: Callable[[], Awaitable[T]]) -> Callable[[], Awaitable[T]]:
    """Wrap one Bot API call so that the paced sender understands its failures."""

    async def send() -> T:
        # The paced sender retries; the session must not (bot/telegram_retry.py).
        paced = CALLER_RETRIES.set(True)
        try:
            return await call()
        except TelegramRetryAfter as error:
            raise RetryAfter(error.retry_after) from error
        except (TelegramServerError, TelegramNetworkError) as error:
            raise TransientError(str(error)) from error
        except (TelegramForbiddenError, TelegramBadRequest) as error:
            if is_gone(error):
                raise RecipientUnavailable(error.message) from error
            raise
        finally:
            CALLER_RETRIES.reset(paced)

    return send


def message_delivery(
    bot: Bot,
    chat_id: int,
    text: str,
    *,
    key: object = None,
    first: Callable[[], Awaitable[object]] | None = None,
    **kwargs: Any,
) -> Delivery:
    """A Delivery that sends one text message (HTML, no link previews: the bot's defaults).

    `first` runs just before the message, paced and retried with it (e.g. tidying old buttons).
    """

    async def call() -> Message:
        if first is not None:
            await first()
        return await bot.send_message(chat_id=chat_id, text=text, **kwargs)

    return Delivery(chat_id=chat_id, send=telegram_call(call), key=key)
