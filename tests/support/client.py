"""Drive the production dispatcher with real aiogram Update objects, as Telegram would."""

import re
from datetime import UTC, datetime
from itertools import count
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    SendMessage,
    TelegramMethod,
)
from aiogram.types import Update

from bot.factory import background_of
from tests.support.accounts import BOT_ID
from tests.support.recording_session import RecordingSession
from tests.support.telegram_ids import realistic

NUMBER = re.compile(r"#(\d+)")
# Characters in one message; Telegram refuses a longer one.
TELEGRAM_LIMIT = 4096


class BotClient:
    """Sends messages and presses buttons as one Telegram user; returns what the bot did.

    Users have realistic Telegram ids (above 2³¹): a small id such as 1001 given here stands for
    tg_id(1001), so tests stay readable and every id column is exercised with 64-bit values.
    Compare with `tg_id(n)` (or `client.user_id`) when asserting on stored or addressed ids.
    """

    _update_ids = count(1)
    _message_ids = count(1)

    def __init__(
        self,
        dispatcher: Dispatcher,
        bot: Bot,
        session: RecordingSession,
        *,
        user_id: int = 1001,
        first_name: str = "Aruzhan",
        language_code: str | None = "ru",
        username: str | None = None,
    ) -> None:
        self.dispatcher = dispatcher
        self.bot = bot
        self.session = session
        self.user_id = realistic(user_id)
        self.first_name = first_name
        self.language_code = language_code
        self.username = username

    def as_user(self, user_id: int, **kwargs: Any) -> "BotClient":
        values: dict[str, Any] = {
            "first_name": f"User{user_id}",
            "language_code": "ru",
            "username": None,
        }
        values.update(kwargs)
        return BotClient(self.dispatcher, self.bot, self.session, user_id=user_id, **values)

    def _user(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.user_id, "is_bot": False, "first_name": self.first_name}
        if self.language_code:
            user["language_code"] = self.language_code
        if self.username:
            user["username"] = self.username
        return user

    def _chat(self, chat_id: int | None, chat_type: str) -> dict[str, Any]:
        if chat_type == "private":
            return {"id": self.user_id, "type": "private", "first_name": self.first_name}
        return {"id": chat_id or -1001000123456, "type": chat_type, "title": "Volunteers"}

    async def feed(
        self, update: dict[str, Any], *, wait_for_jobs: bool = True
    ) -> list[TelegramMethod[Any]]:
        before = len(self.session.requests)
        await self.dispatcher.feed_update(
            self.bot, Update.model_validate(update, context={"bot": self.bot})
        )
        # A long staff job (a broadcast) outlives its handler; what it sends is still the answer.
        if wait_for_jobs:
            await background_of(self.dispatcher).jobs.join()
        return self.session.requests[before:]

    def message_update(
        self,
        text: str | None = None,
        *,
        entities: list[dict[str, Any]] | None = None,
        caption: str | None = None,
        forward_origin: dict[str, Any] | None = None,
        chat_type: str = "private",
        chat_id: int | None = None,
        message_id: int | None = None,
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": message_id or next(self._message_ids),
            "date": int(datetime.now(UTC).timestamp()),
            "chat": self._chat(chat_id, chat_type),
            "from": self._user(),
        }
        if text is not None:
            message["text"] = text
        if entities:
            message["caption_entities" if caption is not None else "entities"] = entities
        if caption is not None:
            message["caption"] = caption
        if forward_origin:
            message["forward_origin"] = forward_origin
        message.update(extra or {})
        return {"update_id": next(self._update_ids), "message": message}

    async def send(self, text: str | None = None, **kwargs: Any) -> list[TelegramMethod[Any]]:
        return await self.feed(self.message_update(text, **kwargs))

    async def press(
        self, requests: list[TelegramMethod[Any]], label: str
    ) -> list[TelegramMethod[Any]]:
        """Press the button whose label contains `label` on the last message among `requests`
        that shows one: a message the bot really sent (or edited), with its own id and chat."""
        request, data = find_button(requests, label)
        chat_id = int(getattr(request, "chat_id", None) or self.user_id)
        return await self._tap(
            data,
            message_id=self.message_id_of(request),
            chat_type="private" if chat_id > 0 else "supergroup",
            chat_id=chat_id,
        )

    async def forge_press(
        self,
        data: str,
        *,
        message_id: int,
        chat_type: str = "private",
        chat_id: int | None = None,
    ) -> list[TelegramMethod[Any]]:
        """Post callback data that no button shown to this user carries: a forged, stale or
        foreign press, as an attacker (or an old keyboard) would send it.

        Only the security tests want this; every other test presses a real button with `press`,
        so a typo in made-up data can never pass for a working button. There is no default
        message id: name one the bot really sent (`message_id_of`), so only the data is false."""
        return await self._tap(data, message_id=message_id, chat_type=chat_type, chat_id=chat_id)

    async def _tap(
        self, data: str, *, message_id: int, chat_type: str, chat_id: int | None
    ) -> list[TelegramMethod[Any]]:
        update = {
            "update_id": next(self._update_ids),
            "callback_query": {
                "id": str(next(self._update_ids)),
                "from": self._user(),
                "chat_instance": "ci",
                "data": data,
                "message": {
                    "message_id": message_id,
                    "date": int(datetime.now(UTC).timestamp()),
                    "chat": self._chat(chat_id, chat_type),
                    "from": {"id": 42, "is_bot": True, "first_name": "Test bot"},
                    "text": "…",
                },
            },
        }
        return await self.feed(update)

    def message_id_of(self, request: TelegramMethod[Any]) -> int:
        """An edit names its message; a sent message got its id in Telegram's answer."""
        message_id = getattr(request, "message_id", None)
        if message_id is None:
            message_id = self.session.result_of(request).message_id
        assert isinstance(message_id, int), request
        return message_id


def texts(requests: list[TelegramMethod[Any]], chat_id: int | None = None) -> list[str]:
    """What the user reads: the texts of sent and edited messages, in order (in one chat)."""
    return [
        message_text(r)
        for r in requests
        if isinstance(r, SendMessage | EditMessageText) and chat_id in (None, r.chat_id)
    ]


def message_text(request: TelegramMethod[Any]) -> str:
    """The text of one sent or edited message (an edit of the keyboard alone has none)."""
    assert isinstance(request, SendMessage | EditMessageText), request
    return request.text or ""


def text(requests: list[TelegramMethod[Any]], chat_id: int | None = None) -> str:
    found = texts(requests, chat_id)
    assert len(found) == 1, f"expected one message, got {found!r}"
    return found[0]


def find_button(
    requests: list[TelegramMethod[Any]], label: str
) -> tuple[TelegramMethod[Any], str]:
    """The last message among `requests` with a button labelled `label`, and its data."""
    for request in reversed(requests):
        for caption, data in buttons(request):
            if label in caption:
                return request, data
    raise AssertionError(f"no button {label!r} in {[buttons(r) for r in requests]}")


def button_data(requests: list[TelegramMethod[Any]], label: str) -> str:
    """The callback data of a real button: what a forged press replays somewhere else."""
    return find_button(requests, label)[1]


def buttons(request: TelegramMethod[Any]) -> list[tuple[str, str]]:
    """(text, callback_data) of every inline button in a sent or edited message."""
    markup = getattr(request, "reply_markup", None)
    if markup is None:
        return []
    return [
        (button.text, button.callback_data or "")
        for row in markup.inline_keyboard
        for button in row
    ]


__all__ = [
    "AnswerCallbackQuery",
    "BotClient",
    "EditMessageReplyMarkup",
    "button_data",
    "buttons",
    "find_button",
    "message_text",
    "text",
    "texts",
]


def numbers(reply: str) -> list[int]:
    """The report numbers (#N) a reply names, in order."""
    return [int(n) for n in NUMBER.findall(reply)]


def reply_to_bot(saved_text: str, chat_id: int) -> dict[str, Any]:
    """`extra` for `BotClient.send`: the message replies to one the bot sent with this text."""
    return {
        "reply_to_message": {
            "message_id": 777,
            "date": 0,
            "chat": {"id": chat_id, "type": "private", "first_name": "x"},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Test bot"},
            "text": saved_text,
        }
    }
