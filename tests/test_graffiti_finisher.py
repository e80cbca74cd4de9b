"""The finisher saves a graffiti conversation left quiet for ten minutes: an answer racing it is
never lost, and one draft that cannot be saved holds up no other. (What the volunteer's screen
shows afterwards: test_graffiti_timeout_keyboards.py.)"""

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.utils.i18n import I18n
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.factory import background_of, deps_of
from models.graffiti import GraffitiDraft, GraffitiDraftPhoto
from models.report import Report
from services.clock import utcnow
from services.graffiti.finish import finish_draft
from services.graffiti.handle import WallHandle
from tests.support.client import BotClient, numbers, text
from tests.support.graffiti_helpers import (
    ABAY_DOSTYK,
    graffiti,
    jpeg,
    send_location,
    send_photo,
    wall_image,
)
from tests.support.report_setup import count
from tests.support.telegram_ids import tg_id


async def _quiet_for_eleven_minutes(db: AsyncSession) -> None:
    await db.exec(update(GraffitiDraft).values(touched_at=utcnow() - timedelta(minutes=11)))
    await db.commit()


async def test_finisher_leaves_a_draft_answered_after_it_looked(
    client: BotClient,
    db: AsyncSession,
    dispatcher: Dispatcher,
    session_maker: async_sessionmaker[AsyncSession],
) -> None:
    volunteer = client.as_user(1101, language_code="en")
    await send_photo(volunteer, jpeg(wall_image(61)))
    await _quiet_for_eleven_minutes(db)
    options, index = deps_of(dispatcher).graffiti_options, deps_of(dispatcher).phash_index
    async with session_maker() as finisher:
        # The background task has read the quiet draft when the volunteer finally answers.
        [stale] = (await finisher.exec(select(GraffitiDraft))).all()
        assert "written on the wall" in text(await send_location(volunteer, ABAY_DOSTYK))
        assert await finish_draft(finisher, draft=stale, options=options, index=index) is None
        await finisher.commit()
    assert await count(db, Report) == 0
    assert await count(db, GraffitiDraftPhoto) == 1
    [number] = numbers(text(await volunteer.send("@late_answer_shop")))[:1]
    details = await graffiti(db, number)
    assert (details.latitude, details.longitude) == ABAY_DOSTYK  # the answer was not lost


@contextmanager
def touching_a_draft(engine: AsyncEngine) -> Iterator[asyncio.Event]:
    """Set once a statement that writes a graffiti draft goes to the database.

    The answer's first write (services/graffiti/conversation.py `hold_draft`) comes after it
    found the draft open; from then on the finisher's commit can only make it find the row gone,
    whichever of the two reaches the database first. SQLAlchemy calls the hook in the task
    issuing the statement, on the event loop's thread.
    """
    issued = asyncio.Event()

    def before_cursor_execute(*args: Any) -> None:
        statement: str = args[2]
        if statement.lstrip().upper().startswith("UPDATE GRAFFITI_DRAFT "):
            issued.set()

    event.listen(engine.sync_engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield issued
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", before_cursor_execute)


async def test_answer_while_the_finisher_saves_the_draft(
    client: BotClient,
    db: AsyncSession,
    dispatcher: Dispatcher,
    engine: AsyncEngine,
    session_maker: async_sessionmaker[AsyncSession],
) -> None:
    volunteer = client.as_user(1102, language_code="en")
    await send_photo(volunteer, jpeg(wall_image(62)))
    await _quiet_for_eleven_minutes(db)
    options, index = deps_of(dispatcher).graffiti_options, deps_of(dispatcher).phash_index
    async with session_maker() as finisher:
        [stale] = (await finisher.exec(select(GraffitiDraft))).all()
        done = await finish_draft(finisher, draft=stale, options=options, index=index)
        assert done is not None  # taken, not yet committed: the volunteer's answer must wait
        with touching_a_draft(engine) as answer_writes:
            answer = asyncio.create_task(send_location(volunteer, ABAY_DOSTYK))
            # The answer saw the draft open and now writes it, while the finisher is mid-save.
            # The timeout only turns a regression into a failure instead of a hang.
            await asyncio.wait_for(answer_writes.wait(), 30)
        await finisher.commit()
    reply = text(await answer)
    assert reply == "This conversation has already ended.", reply
    assert await count(db, GraffitiDraft) == 0
    assert await count(db, Report) == 1


async def test_one_unsaveable_draft_does_not_hold_up_the_others(
    client: BotClient,
    db: AsyncSession,
    *,
    dispatcher: Dispatcher,
    bot: Bot,
    i18n: I18n,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sqlalchemy.exc import DataError

    from bot.jobs.graffiti import finish_abandoned_once
    from services.graffiti import finish

    stuck = client.as_user(1108, language_code="en")
    await send_photo(stuck, jpeg(wall_image(74)), caption="@stuck_abandoned_shop")
    fine = client.as_user(1109, language_code="en")
    await send_photo(fine, jpeg(wall_image(75)), caption="@fine_abandoned_shop")
    linked = finish.link_wall_handle

    async def failing_for_one(session: AsyncSession, *, handle: WallHandle, **kwargs: Any) -> Any:
        # Fault injection: saving this one draft fails in the database layer.
        if "stuck" in str(handle):
            raise DataError("INSERT …", {}, ValueError("value too long for the column"))
        return await linked(session, handle=handle, **kwargs)

    monkeypatch.setattr(finish, "link_wall_handle", failing_for_one)
    await _quiet_for_eleven_minutes(db)
    options, index = deps_of(dispatcher).graffiti_options, deps_of(dispatcher).phash_index
    session_maker = background_of(dispatcher).session_maker
    done = await finish_abandoned_once(
        bot=bot, session_maker=session_maker, i18n=i18n, options=options, index=index,
        sender=background_of(dispatcher).sender,
    )  # fmt: skip
    assert [report.chat_id for report in done] == [tg_id(1109)]
    assert await count(db, GraffitiDraft) == 1  # the other one is kept, not lost
