"""getChat for the probe (services/probe/telegram.py's `ChatLookup`), through the Bot.

Telegram's answers in the probe's terms, never an exception: a chat found (with its title,
type and member count), not found ("chat not found", an invalid or unoccupied username),
restricted (CHAT_RESTRICTED), or an error when no conclusion is possible (429, 5xx, the
network, a 400 or 403 this module does not know) — the recheck then tries again later.
"""

import logging

from aiogram import Bot
from aiogram.exceptions import (
    AiogramError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramRetryAfter,
)

from bot.telegram_retry import CALLER_RETRIES
from services.probe.telegram import ChatLookupResult, LookupOutcome

logger = logging.getLogger(__name__)

# Bad Request descriptions (lower-case) meaning no public chat has this username. A public name
# that leads to a private channel (CHANNEL_PRIVATE) no longer shows anything to the public.
_NOT_FOUND = (
    "chat not found",
    "username_invalid",
    "username_not_occupied",
    "channel_private",
    "user not found",
)
_RESTRICTED = ("chat_restricted",)
# A probe check holds a slot of the probe's limits: it does not wait a minute for Telegram.
REQUEST_TIMEOUT_S = 10


class BotChatLookup:
    def __init__(self, bot: Bot, *, request_timeout: int = REQUEST_TIMEOUT_S) -> None:
        self._bot = bot
        self._timeout = request_timeout

    async def lookup(self, username: str) -> ChatLookupResult:
        # The probe retries later with its own backoff: the session must not retry or wait out
        # a 429 here (bot/telegram_retry.py).
        own_retries = CALLER_RETRIES.set(True)
        try:
            return await self._lookup(username)
        except TelegramRetryAfter as error:
            return ChatLookupResult(
                LookupOutcome.ERROR, detail="Too Many Requests", retry_after=error.retry_after
            )
        except TelegramBadRequest as error:
            description = error.message.lower()
            if any(phrase in description for phrase in _RESTRICTED):
                return ChatLookupResult(LookupOutcome.RESTRICTED, detail=error.message)
            if any(phrase in description for phrase in _NOT_FOUND):
                return ChatLookupResult(LookupOutcome.NOT_FOUND, detail=error.message)
            return ChatLookupResult(LookupOutcome.ERROR, detail=error.message)
        except TelegramAPIError as error:
            # 5xx, the network, 401/403/409: nothing learnt about the chat. The message of a
            # network error may carry a URL with the token: only its class is kept.
            return ChatLookupResult(LookupOutcome.ERROR, detail=type(error).__name__)
        except (AiogramError, TimeoutError) as error:
            logger.warning("getChat for the probe failed: %s", type(error).__name__)
            return ChatLookupResult(LookupOutcome.ERROR, detail=type(error).__name__)
        finally:
            CALLER_RETRIES.reset(own_retries)

    async def _lookup(self, username: str) -> ChatLookupResult:
        chat = await self._bot.get_chat(f"@{username}", request_timeout=self._timeout)
        title = chat.title or " ".join(filter(None, (chat.first_name, chat.last_name))) or None
        return ChatLookupResult(
            LookupOutcome.FOUND,
            title=title,
            chat_type=chat.type,
            member_count=await self._member_count(chat.id) if chat.type != "private" else None,
        )

    async def _member_count(self, chat_id: int) -> int | None:
        """getChat's full info has no member count; a failure here leaves it unknown."""
        try:
            return await self._bot.get_chat_member_count(chat_id, request_timeout=self._timeout)
        except (AiogramError, TimeoutError) as error:
            logger.info("getChatMemberCount for the probe failed: %s", type(error).__name__)
            return None
