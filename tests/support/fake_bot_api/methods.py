"""Plausible results of the Bot API methods, built from the decoded params of a call."""

import time
import zlib
from typing import Any

from .records import ApiError, UploadedFile
from .state import BotAPIState

Params = dict[str, Any]
Files = dict[str, UploadedFile]

CANONICAL = {
    name.lower(): name
    for name in (  # noqa: SIM905
        "getMe getUpdates deleteWebhook setWebhook setMyCommands deleteMyCommands "
        "answerCallbackQuery setChatMenuButton deleteMessage sendMessage sendDocument "
        "sendPhoto sendMediaGroup copyMessage forwardMessage editMessageText "
        "editMessageCaption editMessageReplyMarkup getFile sendChatAction"
    ).split()
}
# The media kinds a message can carry, with the fields their objects require besides ids.
MEDIA: dict[str, dict[str, Any]] = {
    "photo": {"width": 1280, "height": 960},
    "document": {},
    "video": {"width": 1280, "height": 720, "duration": 1},
    "animation": {"width": 320, "height": 240, "duration": 1},
    "audio": {"duration": 1},
    "voice": {"duration": 1},
}
ATTACH = "attach://"
TRUE_RESULT = frozenset(
    (  # noqa: SIM905
        "deletewebhook setwebhook setmycommands deletemycommands answercallbackquery "
        "setchatmenubutton sendchataction"
    ).split()
)


def canonical(method: str) -> str:
    """Telegram's method names are case-insensitive: map known ones to their camelCase."""
    return CANONICAL.get(method.lower(), method)


def bot_user(token: str) -> dict[str, Any]:
    prefix = token.partition(":")[0]
    return {
        "id": int(prefix) if prefix.isdigit() else 1,
        "is_bot": True,
        "first_name": "Test bot",
        "username": "test_bot",
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
    }


def call(state: BotAPIState, token: str, method: str, params: Params, files: Files) -> Any:
    """The result of a (non-getUpdates) call; raises ApiError like Telegram would."""
    lower = method.lower()
    bot = bot_user(token)
    if lower == "getme":
        return bot
    if lower in TRUE_RESULT:
        return True
    if lower == "deletemessage":
        state.messages.pop((params.get("chat_id"), params.get("message_id")), None)
        return True
    if lower == "getfile":
        stored = state.files.get(str(params.get("file_id")))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return stored.to_json()
    if lower == "sendmediagroup":
        group = {"media_group_id": str(time.time_ns())}
        return [
            _send(state, bot, params, **group, **_media(state, item, files))
            for item in params.get("media", [])
        ]
    if lower in ("copymessage", "forwardmessage"):
        source = state.messages.get((params.get("from_chat_id"), params.get("message_id")), {})
        content = {k: v for k, v in source.items() if k in ("text", "caption", *MEDIA)}
        message = _send(state, bot, params, **content)
        return {"message_id": message["message_id"]} if lower == "copymessage" else message
    if lower.startswith("editmessage"):
        return _edit(state, bot, lower, params)
    if (kind := lower.removeprefix("send")) in MEDIA:
        media = {"type": kind, "media": params.get(kind), "caption": params.get("caption")}
        return _send(state, bot, params, **_media(state, media, files))
    if lower.startswith("send"):
        content = {k: params[k] for k in ("text", "caption") if k in params}
        return _send(state, bot, params, **content)
    return True


def chat_of(chat_id: Any) -> dict[str, Any]:
    if isinstance(chat_id, int):
        return {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"}
    username = str(chat_id).lstrip("@")
    return {
        "id": -1_000_000_000_000 - zlib.crc32(username.encode()),
        "type": "channel",
        "username": username,
        "title": username,
    }


def _send(state: BotAPIState, bot: dict[str, Any], params: Params, **content: Any) -> dict:
    chat_id = params.get("chat_id")
    message = {
        "message_id": state.next_message_id(chat_id),
        "date": int(time.time()),
        "chat": chat_of(chat_id),
        "from": bot,
        **content,
    }
    if "entities" in params and "text" in content:
        message["entities"] = params["entities"]
    _set_markup(message, params)
    return _store(state, message)


def _set_markup(message: dict[str, Any], params: Params) -> None:
    """Echo an inline keyboard: the only kind a Message carries."""
    markup = params.get("reply_markup")
    if isinstance(markup, dict) and "inline_keyboard" in markup:
        message["reply_markup"] = markup
    else:
        message.pop("reply_markup", None)


def _store(state: BotAPIState, message: dict[str, Any]) -> dict[str, Any]:
    state.messages[(message["chat"]["id"], message["message_id"])] = message
    return message


def _media(state: BotAPIState, item: dict[str, Any], files: Files) -> dict[str, Any]:
    """Message content for an InputMedia-shaped ``item``: an upload (attach://) or a file_id."""
    kind, value = item.get("type", "document"), item.get("media")
    upload = files.get(value.removeprefix(ATTACH)) if isinstance(value, str) else None
    upload = upload or files.get(kind)
    if upload is not None:
        file_id = f"FAKE-{kind}-{len(state.files) + 1}"
        stored = state.add_file(file_id, upload.data)
        info: dict[str, Any] = {
            "file_id": file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": upload.size,
        }
        if kind != "photo":
            info |= {"file_name": upload.filename, "mime_type": upload.content_type}
    else:
        info = {"file_id": str(value), "file_unique_id": f"u-{value}"}
    content: dict[str, Any] = {
        kind: [info | MEDIA[kind]] if kind == "photo" else info | MEDIA[kind]
    }
    if item.get("caption") is not None:
        content["caption"] = item["caption"]
    return content


def _edit(state: BotAPIState, bot: dict[str, Any], method: str, params: Params) -> Any:
    if "inline_message_id" in params:
        return True
    key = (params.get("chat_id"), params.get("message_id"))
    old = state.messages.get(key)
    message = dict(
        old
        or {"message_id": key[1], "date": int(time.time()), "chat": chat_of(key[0]), "from": bot}
    )
    if method == "editmessagetext":
        message["text"] = params.get("text")
    elif method == "editmessagecaption":
        message["caption"] = params.get("caption")
    _set_markup(message, params)
    if old is not None and message == old:
        raise ApiError(
            400,
            "Bad Request: message is not modified: specified new message "
            "content and reply markup are exactly the same as a current "
            "content and reply markup of the message",
        )
    message["edit_date"] = int(time.time())
    return _store(state, message)
