"""Builders of Update dicts in Bot API JSON shape, for tests and for ``scripts/tg.py``.

Message ids left out here are filled in by the server when the update is enqueued, from the
same per-chat counter the bot's own messages use, so ids stay unique within a chat.
"""

import itertools
import time
from typing import Any

_callback_ids = itertools.count(1)


def _user(user_id: int, first_name: str, language_code: str | None) -> dict[str, Any]:
    user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
    if language_code:
        user["language_code"] = language_code
    return user


def channel_origin(
    username: str, message_id: int, *, chat_id: int = -1001000000001, title: str | None = None
) -> dict[str, Any]:
    """A ``forward_origin`` of type "channel": a post forwarded from a public channel."""
    chat = {"id": chat_id, "type": "channel", "username": username, "title": title or username}
    return {"type": "channel", "date": int(time.time()), "chat": chat, "message_id": message_id}


def private_message(
    user_id: int,
    text: str | None,
    *,
    message_id: int | None = None,
    language_code: str | None = "ru",
    first_name: str = "Test",
    entities: list[dict[str, Any]] | None = None,
    forward_origin: dict[str, Any] | None = None,
    photo: str | list[dict[str, Any]] | None = None,
    update_id: int | None = None,
) -> dict[str, Any]:
    """An update with a private message from ``user_id``.

    With ``photo`` (a file id, or a list of PhotoSize dicts) ``text`` becomes the caption.
    Register a photo's bytes with ``FakeBotAPI.add_file`` if the bot downloads it.
    """
    message: dict[str, Any] = {
        "date": int(time.time()),
        "chat": {"id": user_id, "type": "private", "first_name": first_name},
        "from": _user(user_id, first_name, language_code),
    }
    if message_id is not None:
        message["message_id"] = message_id
    if isinstance(photo, str):
        photo = [{"file_id": photo, "file_unique_id": f"u-{photo}", "width": 1280, "height": 960}]
    if photo is not None:
        message["photo"] = photo
    if text is not None:
        message["caption" if photo else "text"] = text
    if entities:
        message["caption_entities" if photo else "entities"] = entities
    if forward_origin is not None:
        message["forward_origin"] = forward_origin
    return _update(update_id, message=message)


def callback_query(
    user_id: int,
    message_id: int,
    data: str,
    *,
    chat_id: int | None = None,
    language_code: str | None = "ru",
    first_name: str = "Test",
    update_id: int | None = None,
) -> dict[str, Any]:
    """An update with a button press on message ``message_id`` (in the user's private chat).

    The server fills the message's text and keyboard from what the bot sent, if it knows it.
    """
    chat_id = user_id if chat_id is None else chat_id
    chat_type = "private" if chat_id > 0 else "supergroup"
    query = {
        "id": str(next(_callback_ids)),
        "from": _user(user_id, first_name, language_code),
        "chat_instance": str(chat_id),
        "data": data,
        "message": {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": chat_type},
        },
    }
    return _update(update_id, callback_query=query)


def _update(update_id: int | None, **payload: Any) -> dict[str, Any]:
    return payload if update_id is None else {"update_id": update_id, **payload}
