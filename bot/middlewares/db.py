from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject
from sqlalchemy import event as event_hooks
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import Session
from sqlmodel.ext.asyncio.session import AsyncSession

from services.update_work import UpdateWork

WORK = "update_work"


class DbSessionMiddleware(BaseMiddleware):
    """One database session per update; services decide when to commit.

    `data["work"]` records a commit; it lives in the update's data, which the error handler
    receives too (aiogram's errors middleware wraps this one).

    Most links never use the session (intake writes through models/sqlite_writer.py), so it
    costs little more than building it: one listener for all sessions' commits (each carries
    its update's work in `info`), and closing only when there is something to close.
    """

    def __init__(self, session_maker: async_sessionmaker[AsyncSession]) -> None:
        self.session_maker = session_maker
        sync_class = session_maker.kw.get(
            "sync_session_class", session_maker.class_.sync_session_class
        )
        if not event_hooks.contains(sync_class, "after_commit", _mark_work):
            event_hooks.listen(sync_class, "after_commit", _mark_work)

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        work = UpdateWork()
        data["work"] = work
        session = self.session_maker(info={WORK: work})
        data["session"] = session
        try:
            return await handler(event, data)
        finally:
            # A session that began nothing and holds no object has nothing to close; otherwise
            # exactly what `async with` does (closing finishes even if the update is cancelled).
            if session.in_transaction() or session.identity_map or session.new:
                await session.__aexit__(None, None, None)


def _mark_work(session: Session) -> None:
    work = session.info.get(WORK)
    if work is not None:
        work.mark(session)
