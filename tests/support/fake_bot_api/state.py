"""What the fake Bot API server remembers: updates, requests, messages, files and failures."""

import asyncio
import contextlib
import math
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Any

from .records import ApiError, Recorded, StoredFile, UploadedFile

SENDING_PREFIX = "send"
NOT_SENDING = frozenset({"sendchataction"})
ALSO_SENDING = frozenset({"copymessage", "forwardmessage", "copymessages", "forwardmessages"})


@dataclass
class _Failure:
    error_code: int
    description: str
    retry_after: int | None


def is_sending(method: str) -> bool:
    lower = method.lower()
    return (lower.startswith(SENDING_PREFIX) and lower not in NOT_SENDING) or lower in ALSO_SENDING


def _same_method(a: str, b: str) -> bool:
    return a.lower() == b.lower()


class BotAPIState:
    """The test-facing API of the fake server; ``FakeBotAPI`` adds the HTTP server around it."""

    def __init__(self) -> None:
        self.updates: list[dict[str, Any]] = []
        self.recorded: list[Recorded] = []
        self.messages: dict[tuple[Any, Any], dict[str, Any]] = {}
        self.files: dict[str, StoredFile] = {}
        self.blocked: set[Any] = set()
        self.per_second: float | None = None
        self.per_chat_per_second: float | None = None
        self.closing = False
        self._next_update_id = 1
        self._last_message_id: defaultdict[Any, int] = defaultdict(int)
        self._failures: defaultdict[str, deque[_Failure]] = defaultdict(deque)
        self._sent: deque[tuple[float, Any]] = deque()
        self._changed = asyncio.Event()
        self._lost: set[str] = set()

    # --- updates -------------------------------------------------------------------------

    def enqueue_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates; fills update_id, message ids and known messages."""
        update = dict(update)
        if update.get("update_id") is None:
            update["update_id"] = self._next_update_id
        self._next_update_id = max(self._next_update_id, update["update_id"] + 1)
        for key in ("message", "edited_message", "channel_post"):
            if key in update:
                update[key] = self._number_message(update[key])
        if "message" in update:  # the conversation as a person would scroll it
            message = update["message"]
            self.messages[(message["chat"]["id"], message["message_id"])] = message
        if "callback_query" in update:
            update["callback_query"] = self._fill_callback_message(update["callback_query"])
        self.updates.append(update)
        self._notify()
        return update

    def pending_updates(
        self, offset: int = 0, limit: int = 100, allowed: list[str] | None = None
    ) -> list[dict[str, Any]]:
        """Confirm updates below ``offset`` and return the rest (of the allowed types)."""
        if offset > 0:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        pending = [u for u in self.updates if not allowed or _update_type(u) in allowed]
        return pending[: max(1, min(limit, 100))]

    def chat_messages(self, chat_id: Any) -> list[dict[str, Any]]:
        """Every message of a chat, the person's and the bot's, as it looks now (edits applied)."""
        found = [m for (chat, _), m in self.messages.items() if str(chat) == str(chat_id)]
        return sorted(found, key=lambda message: message["message_id"])

    async def wait_changed(self, within: float) -> None:
        """Sleep until an update is enqueued or a request recorded, at most ``within`` s."""
        changed = self._changed
        if not self.closing and within > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), within)

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def close(self) -> None:
        """Wake every long poll so that the server shuts down at once."""
        self.closing = True
        self._notify()

    def next_message_id(self, chat_id: Any) -> int:
        self._last_message_id[chat_id] += 1
        return self._last_message_id[chat_id]

    def _number_message(self, message: dict[str, Any]) -> dict[str, Any]:
        chat_id = message["chat"]["id"]
        if message.get("message_id") is None:
            message = {**message, "message_id": self.next_message_id(chat_id)}
        last = self._last_message_id[chat_id]
        self._last_message_id[chat_id] = max(last, message["message_id"])
        return message

    def _fill_callback_message(self, query: dict[str, Any]) -> dict[str, Any]:
        message = query.get("message")
        if not message:
            return query
        known = self.messages.get((message["chat"]["id"], message["message_id"]))
        return {**query, "message": {**(known or {}), **message}} if known else query

    # --- recording -----------------------------------------------------------------------

    def record(
        self, method: str, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> Recorded:
        entry = Recorded(len(self.recorded), method, params, files, time.time())
        self.recorded.append(entry)
        self._notify()
        return entry

    def requests(
        self, method: str | None = None, chat_id: Any = None, since: int = 0
    ) -> list[Recorded]:
        """Recorded calls from index ``since``, optionally of one method and/or one chat."""
        return [
            r
            for r in self.recorded[since:]
            if (method is None or _same_method(r.method, method))
            and (chat_id is None or str(r.chat_id) == str(chat_id))
        ]

    async def wait_for(
        self,
        method: str,
        chat_id: Any = None,
        count: int = 1,
        timeout: float = 5.0,
        since: int = 0,
    ) -> list[Recorded]:
        """Wait until ``count`` matching calls are recorded; return all the matching ones."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(found := self.requests(method, chat_id, since)) < count:
            left = deadline - loop.time()
            if left <= 0:
                seen = [r.method for r in self.recorded[since:]]
                msg = f"{count} × {method} (chat {chat_id}) not recorded in {timeout}s; saw {seen}"
                raise TimeoutError(msg)
            await self.wait_changed(within=left)
        return found

    def clear(self) -> None:
        """Forget the recorded requests (indexes start again from 0)."""
        self.recorded.clear()

    # --- failures and limits -------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        count: int = 1,
        error_code: int = 400,
        description: str = "Bad Request: test failure",
        retry_after: int | None = None,
    ) -> None:
        """Make the next ``count`` calls of ``method`` fail; ``retry_after`` implies a 429."""
        if retry_after is not None:
            error_code = 429
            if description == "Bad Request: test failure":
                description = f"Too Many Requests: retry after {retry_after}"
        failure = _Failure(error_code, description, retry_after)
        self._failures[method.lower()].extend([failure] * count)

    def lose_answer_next(self, method: str) -> None:
        """The next call of ``method`` takes effect, but the connection drops before its answer."""
        self._lost.add(method.lower())

    def take_lost_answer(self, method: str) -> bool:
        lost = method.lower() in self._lost
        self._lost.discard(method.lower())
        return lost

    def block_chat(self, chat_id: Any, blocked: bool = True) -> None:
        """Answer 403 "bot was blocked by the user" to every call addressed to ``chat_id``."""
        (self.blocked.add if blocked else self.blocked.discard)(chat_id)

    def set_rate_limit(
        self, per_second: float | None = None, per_chat_per_second: float | None = None
    ) -> None:
        """Answer 429 to message-sending calls beyond these rates (None means unlimited)."""
        self.per_second = per_second
        self.per_chat_per_second = per_chat_per_second
        self._sent.clear()

    def check_call(self, method: str, params: dict[str, Any]) -> None:
        """Raise the ApiError this call must get, if any: injected, blocked, rate limited."""
        queue = self._failures.get(method.lower())
        if queue:
            failure = queue.popleft()
            raise ApiError(failure.error_code, failure.description, failure.retry_after)
        chat_id = params.get("chat_id")
        if chat_id is not None and chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if is_sending(method):
            self._check_rate(chat_id)

    def _check_rate(self, chat_id: Any) -> None:
        now = time.monotonic()
        while self._sent and self._sent[0][0] <= now - 1:
            self._sent.popleft()
        for limit, window in (
            (self.per_second, list(self._sent)),
            (self.per_chat_per_second, [s for s in self._sent if s[1] == chat_id]),
        ):
            if limit is not None and len(window) >= limit:
                retry_after = max(1, math.ceil(window[0][0] + 1 - now))
                raise ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)
        self._sent.append((now, chat_id))

    # --- files ---------------------------------------------------------------------------

    def add_file(self, file_id: str, data: bytes, file_unique_id: str | None = None) -> StoredFile:
        """Make ``file_id`` downloadable through getFile and ``/file/bot…/<file_path>``."""
        stored = StoredFile(file_id, file_unique_id or f"u-{file_id}", data, f"files/{file_id}")
        self.files[file_id] = stored
        return stored

    def file_by_path(self, file_path: str) -> StoredFile | None:
        return next((f for f in self.files.values() if f.file_path == file_path), None)


def _update_type(update: dict[str, Any]) -> str:
    return next((key for key in update if key != "update_id"), "")
