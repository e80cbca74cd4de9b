"""Review of the graffiti flow: the background finisher racing an answer, after-photo albums,
the same picture sent twice, and what a volunteer reads when a wall is already painted over."""

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import ReportStatus
from models.graffiti import GraffitiDraft, GraffitiDraftPhoto, GraffitiPhoto
from models.report import Report
from services.clock import utcnow
from services.graffiti.finish import finish_draft
from tests.support.accounts import ADMIN_ID
from tests.support.client import BotClient, numbers, reply_to_bot, text, texts
from tests.support.graffiti_helpers import (
    ABAY_DOSTYK,
    add_photo,
    confirm_next_claim,
    graffiti,
    jpeg,
    photo_sizes,
    report_wall,
    send_location,
    send_photo,
    wall_image,
)
from tests.support.report_setup import accept, count, status
from tests.support.telegram_ids import tg_id


def claimed(wall: int) -> str:
    return (
        f"Thank you! Your «after» photo of #{wall} goes to the moderators: "
        "the wall counts as painted over once they confirm it."
    )


async def _quiet_for_eleven_minutes(db: AsyncSession) -> None:
    await db.exec(update(GraffitiDraft).values(touched_at=utcnow() - timedelta(minutes=11)))
    await db.commit()


async def test_finisher_leaves_a_draft_answered_after_it_looked(
    client: BotClient, db: AsyncSession, dispatcher, session_maker
) -> None:
    volunteer = client.as_user(1101, language_code="en")
    await send_photo(volunteer, jpeg(wall_image(61)))
    await _quiet_for_eleven_minutes(db)
    options, index = dispatcher["graffiti_options"], dispatcher["phash_index"]
    async with session_maker() as finisher:
        # The background task has read the quiet draft when the volunteer finally answers.
        [stale] = (await finisher.exec(select(GraffitiDraft))).all()
        assert "written on the wall" in text(await send_location(volunteer, ABAY_DOSTYK))
        assert await finish_draft(finisher, draft=stale, options=options, index=index) is None
        await finisher.commit()
    assert await count(db, Report) == 0 and await count(db, GraffitiDraftPhoto) == 1
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
    dispatcher,
    engine: AsyncEngine,
    session_maker: async_sessionmaker[AsyncSession],
) -> None:
    volunteer = client.as_user(1102, language_code="en")
    await send_photo(volunteer, jpeg(wall_image(62)))
    await _quiet_for_eleven_minutes(db)
    options, index = dispatcher["graffiti_options"], dispatcher["phash_index"]
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
    assert await count(db, GraffitiDraft) == 0 and await count(db, Report) == 1


async def test_after_photo_album_by_caption_is_one_answer(
    client: BotClient, db: AsyncSession
) -> None:
    wall = await report_wall(client, 63)
    await accept(db, wall)
    helper = client.as_user(1103, language_code="en")
    album = {"media_group_id": "after-album-1"}
    first = await send_photo(helper, jpeg(wall_image(64)), caption=f"/painted {wall}", extra=album)
    assert texts(first) == [claimed(wall)]
    # The album's second photo carries no caption; it is the same after-photo answer.
    assert texts(await send_photo(helper, jpeg(wall_image(65)), extra=album)) == []
    assert await count(db, GraffitiDraft) == 0
    afters = (await db.exec(select(GraffitiPhoto).where(GraffitiPhoto.report_id == wall))).all()
    assert len(afters) == 2 and all(photo.is_after for photo in afters)
    assert len({photo.claim_id for photo in afters}) == 1  # one claim for the album
    assert await status(db, wall) == ReportStatus.ACCEPTED  # until a moderator confirms


async def test_after_photo_album_in_reply_is_one_answer(
    client: BotClient, db: AsyncSession
) -> None:
    wall = await report_wall(client, 66)
    await accept(db, wall)
    helper = client.as_user(1104, language_code="en")
    replies = []
    for seed in (67, 68, 69):
        file_id, unique = add_photo(helper, jpeg(wall_image(seed)))
        extra = {
            "photo": photo_sizes(file_id, unique),
            "media_group_id": "after-album-2",
            **reply_to_bot(f"#{wall} — graffiti report saved, thank you.", 1104),
        }
        replies += texts(await helper.send(extra=extra))
    assert replies == [claimed(wall)]
    afters = (await db.exec(select(GraffitiPhoto).where(GraffitiPhoto.report_id == wall))).all()
    assert len(afters) == 3


async def test_after_photo_of_a_wall_already_painted_over(
    client: BotClient, db: AsyncSession
) -> None:
    wall = await report_wall(client, 70)
    await accept(db, wall)
    first = client.as_user(1105, language_code="en")
    await send_photo(first, jpeg(wall_image(71)), caption=f"/painted {wall}")
    moderator = client.as_user(ADMIN_ID)
    await moderator.send("/start")
    await confirm_next_claim(moderator)
    second = client.as_user(1106, language_code="en")
    reply = text(await send_photo(second, jpeg(wall_image(72)), caption=f"/painted {wall}"))
    assert reply == f"#{wall} is already marked as painted over. Thank you!"
    afters = (await db.exec(select(GraffitiPhoto).where(GraffitiPhoto.report_id == wall))).all()
    assert len(afters) == 1  # only claims are kept: a closed wall takes no new ones


async def test_same_picture_sent_twice_keeps_the_conversation(
    client: BotClient, db: AsyncSession
) -> None:
    volunteer = client.as_user(1107, language_code="en")
    data = jpeg(wall_image(73))
    await send_photo(volunteer, data, unique_id="double-send")
    again = texts(await send_photo(volunteer, data, unique_id="double-send"))
    # No report without a place, no second conversation: the question is simply asked again.
    assert await count(db, Report) == 0 and await count(db, GraffitiDraft) == 1
    assert await count(db, GraffitiDraftPhoto) == 1
    assert again and "Where is this wall?" in again[0]
    assert "written on the wall" in text(await send_location(volunteer, ABAY_DOSTYK))
    [number] = numbers(text(await volunteer.send("@double_send_shop")))[:1]
    assert await count(db, GraffitiPhoto) == 0
    assert (await graffiti(db, number)).possible_duplicate_of is None


async def test_one_unsaveable_draft_does_not_hold_up_the_others(
    client: BotClient, db: AsyncSession, *, dispatcher, bot, i18n, monkeypatch
) -> None:
    from sqlalchemy.exc import DataError

    from bot.jobs.graffiti import finish_abandoned_once
    from services.graffiti import finish

    stuck = client.as_user(1108, language_code="en")
    await send_photo(stuck, jpeg(wall_image(74)), caption="@stuck_abandoned_shop")
    fine = client.as_user(1109, language_code="en")
    await send_photo(fine, jpeg(wall_image(75)), caption="@fine_abandoned_shop")
    linked = finish.link_wall_handle

    async def failing_for_one(session, *, handle, **kwargs):  # type: ignore[no-untyped-def]
        # Fault injection: saving this one draft fails in the database layer.
        if "stuck" in str(handle):
            raise DataError("INSERT …", {}, ValueError("value too long for the column"))
        return await linked(session, handle=handle, **kwargs)

    monkeypatch.setattr(finish, "link_wall_handle", failing_for_one)
    await _quiet_for_eleven_minutes(db)
    options, index = dispatcher["graffiti_options"], dispatcher["phash_index"]
    session_maker = dispatcher["session_maker"]
    done = await finish_abandoned_once(
        bot=bot, session_maker=session_maker, i18n=i18n, options=options, index=index,
        sender=dispatcher["sender"],
    )  # fmt: skip
    assert [report.chat_id for report in done] == [tg_id(1109)]
    assert await count(db, GraffitiDraft) == 1  # the other one is kept, not lost
