"""An in-process fake Bot API session: records every request, answers like Telegram would.

Responses go through aiogram's own `check_response`, so results are real, bot-bound objects and
injected failures raise the same exceptions a real server's answers would.
"""

import json
import time
from collections.abc import AsyncGenerator
from itertools import count
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import (
    EditMessageCaption,
    EditMessageReplyMarkup,
    EditMessageText,
    GetFile,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import File, InputFile, Message, MessageId, User
from aiohttp import ClientResponseError, RequestInfo
from multidict import CIMultiDict, CIMultiDictProxy
from typing_extensions import override
from yarl import URL

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
BOT_USER: dict[str, Any] = {
    "id": 42,
    "is_bot": True,
    "first_name": "Test bot",
    "username": "test_bot",
}


class RecordingSession(BaseSession):
    def __init__(self) -> None:
        super().__init__()
        self.requests: list[TelegramMethod[Any]] = []
        # What each request got back, by the request's id(): e.g. the id of a sent message.
        self._results: dict[int, Any] = {}
        self._message_ids = count(10_000)
        self._failures: dict[str, list[dict[str, Any] | None]] = {}
        self._files: dict[str, bytes] = {}
        self._download_failures: dict[str, int] = {}
        self._shown: dict[tuple[Any, Any], dict[str, Any]] = {}
        self._lost: set[str] = set()
        self._answers: dict[str, Any] = {}

    def fail_next(
        self,
        method: str,
        *,
        error_code: int = 400,
        description: str = "Bad Request: test",
        skip: int = 0,
        retry_after: int | None = None,
    ) -> None:
        """Make the next call of `method` (e.g. "SendDocument") fail as Telegram would.

        With `skip`, that many calls of `method` succeed first.
        """
        queue = self._failures.setdefault(method, [])
        queue.extend([None] * skip)
        failure: dict[str, Any] = {
            "ok": False,
            "error_code": error_code,
            "description": description,
        }
        if retry_after is not None:
            failure["parameters"] = {"retry_after": retry_after}
        queue.append(failure)

    def answer(self, method: str, result: Any) -> None:
        """Answer every successful call of `method` (e.g. "GetChat") with `result`, as
        Telegram's JSON would carry it (a dict for an object)."""
        self._answers[method] = result

    def lose_answer_next(self, method: str) -> None:
        """The next call of `method` reaches Telegram and takes effect, but its answer is lost."""
        self._lost.add(method)

    def fail_download(self, file_id: str, status: int = 502) -> None:
        """Make the next download of `file_id` fail as the file server would (HTTP `status`).

        The error carries the file URL, bot token included, as aiohttp's does.
        """
        self._download_failures[file_id] = status

    def add_file(self, file_id: str, data: bytes) -> None:
        """Serve `data` for `file_id`: getFile returns a path, downloads yield these bytes."""
        self._files[file_id] = data

    def sent(self, method: type[TelegramMethod[Any]] | None = None) -> list[Any]:
        return [r for r in self.requests if method is None or isinstance(r, method)]

    def clear(self) -> None:
        self.requests.clear()

    @override
    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        self.requests.append(method)
        name = type(method).__name__
        failure = self._failures[name].pop(0) if self._failures.get(name) else None
        if failure is None:
            failure = self._unchanged_edit(method)
        if failure is not None:
            answer = failure
            response = self.check_response(bot, method, answer["error_code"], json.dumps(answer))
        else:
            answer = {"ok": True, "result": self._result(method)}
            response = self.check_response(bot, method, 200, json.dumps(answer))
            if name in self._lost:
                self._lost.discard(name)
                raise TelegramNetworkError(method, "ServerDisconnectedError: answer lost")
        self._results[id(method)] = response.result
        return response.result  # type: ignore[return-value]

    def result_of(self, request: TelegramMethod[Any]) -> Any:
        return self._results[id(request)]

    def _unchanged_edit(self, method: TelegramMethod[Any]) -> dict[str, Any] | None:
        """Telegram refuses an edit that changes nothing: remember what each message shows."""
        key = (getattr(method, "chat_id", None), getattr(method, "message_id", None))
        if key[1] is None:
            return None
        shown = dict(self._shown.get(key, {}))
        if isinstance(method, EditMessageText):
            shown["text"] = method.text
        elif isinstance(method, EditMessageCaption):
            shown["caption"] = method.caption
        elif not isinstance(method, EditMessageReplyMarkup):
            return None
        markup = method.reply_markup
        shown["markup"] = markup.model_dump_json(exclude_none=True) if markup else None
        if self._shown.get(key) == shown:
            return {"ok": False, "error_code": 400, "description": NOT_MODIFIED}
        self._shown[key] = shown
        return None

    def _result(self, method: TelegramMethod[Any]) -> Any:
        if type(method).__name__ in self._answers:
            return self._answers[type(method).__name__]
        returning = method.__returning__
        if returning is Message:
            return self._message(method)
        if returning == list[Message]:
            return [self._message(method) for _ in getattr(method, "media", [None])]
        if returning is MessageId:
            return {"message_id": next(self._message_ids)}
        if returning is User:
            return BOT_USER
        if returning is File:
            assert isinstance(method, GetFile), method
            file: dict[str, Any] = {
                "file_id": method.file_id,
                "file_unique_id": "u" + method.file_id[:8],
            }
            if method.file_id in self._files:
                file["file_path"] = f"documents/{method.file_id}"
                file["file_size"] = len(self._files[method.file_id])
            return file
        return True

    def _message(self, method: TelegramMethod[Any]) -> dict[str, Any]:
        chat_id = int(getattr(method, "chat_id", 0) or 0)
        message: dict[str, Any] = {
            "message_id": getattr(method, "message_id", None) or next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
            "from": BOT_USER,
        }
        if getattr(method, "text", None):
            message["text"] = method.text  # type: ignore[attr-defined]
        if getattr(method, "caption", None):
            message["caption"] = method.caption  # type: ignore[attr-defined]
        document = getattr(method, "document", None)
        if isinstance(document, InputFile):
            message["document"] = {
                "file_id": f"doc{message['message_id']}",
                "file_unique_id": f"udoc{message['message_id']}",
                "file_name": document.filename,
            }
        markup = getattr(method, "reply_markup", None)
        if markup is not None and hasattr(markup, "inline_keyboard"):
            message["reply_markup"] = markup.model_dump(mode="json", exclude_none=True)
        return message

    async def close(self) -> None:
        return None

    @override
    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        file_id = url.rsplit("/documents/", 1)[-1] if "/documents/" in url else None
        status = self._download_failures.pop(file_id or "", None)
        if status is not None:
            request = RequestInfo(URL(url), "GET", CIMultiDictProxy(CIMultiDict()), URL(url))
            raise ClientResponseError(request, (), status=status, message="Bad Gateway")
        yield self._files.get(file_id or "", b"")
