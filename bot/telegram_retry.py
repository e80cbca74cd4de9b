"""Replies survive Telegram's passing failures: 429 (wait `retry_after`) and 5xx (back off).

A reply that failed once was simply lost: the volunteer's link was saved but never confirmed.
This middleware of the Bot API session retries such calls a few times. A network failure is
retried only for calls that are safe to repeat (edits, answers, getFile…): for a send, the
request may have reached Telegram with only the answer lost, and a retry would send the message
twice — the error handler then says the work was saved (handlers/errors.py).

Calls made by the paced sender (services/pacing.py, through bot/delivery.py) are not retried
here: it handles 429 and transient errors for every bulk send together. Nor is the start-up
check (bot/startup_check.py), which reports an unreachable API at once.
"""

import asyncio
import logging
from contextvars import ContextVar
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.methods import TelegramMethod

logger = logging.getLogger(__name__)

# Set while a caller that decides about retries itself makes a call: the paced sender, and the
# start-up check (which must fail fast).
CALLER_RETRIES: ContextVar[bool] = ContextVar("caller_retries", default=False)
ATTEMPTS = 4
BACKOFF_SECONDS = (0.5, 1.0, 2.0)
# A reply held back longer than this is given up: the volunteer would have moved on.
MAX_RETRY_AFTER = 30
# Indirection so that tests can run the waits on a fake clock.
wait = asyncio.sleep


def is_send(method: TelegramMethod[Any]) -> bool:
    name = type(method).__name__
    return name.startswith(("Send", "Copy", "Forward")) and name != "SendChatAction"


class TelegramRetryMiddleware(BaseRequestMiddleware):
    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[Any],
        bot: Bot,
        method: TelegramMethod[Any],
    ) -> Any:
        if CALLER_RETRIES.get():
            return await make_request(bot, method)
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as error:
                if attempt == ATTEMPTS or error.retry_after > MAX_RETRY_AFTER:
                    raise
                seconds: float = error.retry_after
            except (TelegramServerError, TelegramNetworkError) as error:
                unsafe = isinstance(error, TelegramNetworkError) and is_send(method)
                if attempt == ATTEMPTS or unsafe:
                    raise
                seconds = BACKOFF_SECONDS[attempt - 1]
            logger.warning(
                "%s failed (attempt %s), retrying in %.1f s",
                type(method).__name__,
                attempt,
                seconds,
            )
            await wait(seconds)
        raise AssertionError("unreachable")  # pragma: no cover
