"""One status message edited as long work advances, never more than once a second.

Telegram limits edits like messages; a progress bar that edits on every row would hit 429.
"""

import time
from collections.abc import Callable
from contextlib import suppress

from aiogram.exceptions import TelegramAPIError
from aiogram.types import Message

MIN_INTERVAL = 1.0


class ProgressMessage:
    def __init__(
        self,
        message: Message,
        render: Callable[[int, int], str],
        *,
        interval: float = MIN_INTERVAL,
    ) -> None:
        self.message = message
        self.render = render
        self.interval = interval
        self._last = time.monotonic()
        self._shown = message.text or ""

    async def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last < self.interval:
            return
        self._last = now
        await self.show(self.render(done, total))

    async def show(self, text: str) -> None:
        """Progress is a courtesy: a failed edit must not stop the work it reports on."""
        if text == self._shown:
            return
        self._shown = text
        with suppress(TelegramAPIError):
            await self.message.edit_text(text)
