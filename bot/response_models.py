"""Keep the parsed form of each Telegram answer type alive, so it is built once per process.

aiogram parses every answer with `Response[T]` (T: what the method returns), a generic
pydantic model that pydantic keeps only weakly: whenever the garbage collector has run, the
next answer rebuilds it, ~5–25 ms of CPU each time (a tenth of link intake's CPU in
bench_intake's profile). Holding each one here costs a dictionary lookup per request.
"""

from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.methods import Response, TelegramMethod


class KeepResponseModels(BaseRequestMiddleware):
    def __init__(self) -> None:
        self.kept: dict[Any, type[Response[Any]]] = {}

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[Any],
        bot: Bot,
        method: TelegramMethod[Any],
    ) -> Any:
        returning = method.__returning__
        if returning not in self.kept:
            self.kept[returning] = Response[returning]  # type: ignore[valid-type]
        return await make_request(bot, method)
