from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject
from sqlalchemy import event as event_hooks
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from services.update_work import UpdateWork


class DbSessionMiddleware(BaseMiddleware):
    """One database session per update; services decide when to commit.

    `data["work"]` records a commit; it lives in the update's data, which the error handler
    receives too (aiogram's errors middleware wraps this one).
    """

    def __init__(self, session_maker: async_sessionmaker[AsyncSession]) -> None:
        self.session_maker = session_maker

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        work = UpdateWork()
        data["work"] = work
        async with self.session_maker() as session:
            event_hooks.listen(session.sync_session, "after_commit", work.mark)
            data["session"] = session
            return await handler(event, data)
