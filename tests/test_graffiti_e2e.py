"""Graffiti photos through the real dispatcher: the conversation, albums, duplicates, /cancel."""

from datetime import timedelta
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.methods import SendMessage
from aiogram.utils.i18n import I18n
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.factory import background_of, deps_of
from bot.jobs.graffiti import finish_abandoned_once
from models.enums import District, TargetKind
from models.graffiti import GraffitiDraft, GraffitiDraftPhoto, GraffitiPhoto
from models.report import Report, Sighting
from models.volunteer import Volunteer
from services.clock import utcnow
from services.graffiti.view import graffiti_details, graffiti_for_target
from services.photos.disk_copies import keep_copy
from tests.support.accounts import ADMIN_ID
from tests.support.client import BotClient, find_button, numbers, text, texts
from tests.support.graffiti_helpers import (
    ABAY_DOSTYK,
    NOTHING_READABLE,
    graffiti,
    jpeg,
    report_wall,
    send_location,
    send_photo,
    wall_image,
)
from tests.support.report_setup import count
from tests.support.telegram_ids import tg_id


async def test_photo_location_handle_make_one_report(client: BotClient, db: AsyncSession) -> None:
    asked = texts(await send_photo(client, jpeg(wall_image(1))))
    assert "Где эта стена" in asked[0] or "Where" in asked[0], asked
    assert await count(db, GraffitiDraft) == 1
    assert await count(db, Report) == 0
    handle_question = text(await send_location(client, ABAY_DOSTYK))
    assert "@" in handle_question
    saved = text(await client.send("@DrugShop_kz"))
    number, target = numbers(saved)[:2]
    details = await graffiti(db, number)
    assert (details.latitude, details.longitude) == ABAY_DOSTYK
    assert details.handle_report_id == target
    assert details.phash is not None
    assert details.file_unique_id == "uniq" + details.file_id.removeprefix("photo")
    shop = await db.get(Report, target)
    assert shop is not None
    assert shop.kind == TargetKind.TELEGRAM
    assert await count(db, GraffitiDraft) == 0
    assert await count(db, Sighting) == 2  # the wall and the shop, both by this volunteer
    stats = text(await client.send("/stats"))
    assert "Отправлено ссылок: 1" in stats
    assert "Отправлено фото: 1" in stats
    # The same shop reported as a link by someone else is the same target.
    link_reply = text(await client.as_user(1002).send("https://t.me/drugshop_kz"))
    assert numbers(link_reply) == [target]
    # /report shows the shop's walls and the wall's shop, with the shop's status.
    [wall] = await graffiti_for_target(db, target)
    assert wall.report_id == number
    assert wall.map_url
    assert "43.238900" in wall.map_url
    details_view = await graffiti_details(db, number)
    assert details_view is not None
    assert details_view.target_status == "new"
    assert details_view.target_display
    assert "drugshop_kz" in details_view.target_display.lower()
    assert await graffiti_details(db, target) is None
    # What a moderator reads: the wall's /report names the shop and its status; the shop's
    # /report lists the wall. Blocking the shop does not close the wall.
    moderator = client.as_user(ADMIN_ID, language_code="en")
    wall_report = text(await moderator.send(f"/report {number}"))
    assert f"On the wall: #{target}" in wall_report
    assert "drugshop_kz" in wall_report.lower()
    assert "waiting for a moderator" in wall_report
    assert "openstreetmap" in wall_report
    shop_report = text(await moderator.send(f"/report {target}"))
    assert f"Graffiti advertising it: #{number}" in shop_report


async def test_too_large_image_file_is_refused(client: BotClient, db: AsyncSession) -> None:
    document = {
        "file_id": "big",
        "file_unique_id": "ubig",
        "mime_type": "image/png",
        "file_size": 25 * 1024 * 1024,
    }
    reply = text(await client.send(extra={"document": document}))
    assert "20" in reply
    assert await count(db, GraffitiDraft) == 0


async def test_photo_dir_keeps_the_original(tmp_path: Path) -> None:
    data = jpeg(wall_image(15))
    path = await keep_copy(tmp_path, file_unique_id="AgAD/../x", data=data)
    assert path is not None
    kept = Path(path)
    assert kept.read_bytes() == data  # noqa: ASYNC240 (a test reading a small file)
    assert kept.resolve().is_relative_to(tmp_path)  # noqa: ASYNC240
    assert await keep_copy(None, file_unique_id="x", data=data) is None


async def test_caption_handle_is_not_asked_and_district_button(
    client: BotClient, db: AsyncSession
) -> None:
    asked = await send_photo(client, jpeg(wall_image(2)), caption="t.me/wall_shop_1")
    saved = text(await client.press(asked, "Алмалинский"))
    [number, target] = numbers(saved)[:2]
    details = await graffiti(db, number)
    assert details.district == District.ALMALY
    assert details.latitude is None
    assert details.handle_text == "t.me/wall_shop_1"
    assert details.handle_report_id == target


async def test_album_is_one_report(client: BotClient, db: AsyncSession) -> None:
    album = {"media_group_id": "album-1"}
    first = await send_photo(client, jpeg(wall_image(3)), extra=album)
    assert len(texts(first)) == 2  # the place question and the districts
    for seed in (4, 5):
        assert texts(await send_photo(client, jpeg(wall_image(seed)), extra=album)) == []
    question = await send_location(client, ABAY_DOSTYK)
    saved = text(await client.press(question, NOTHING_READABLE))
    [number] = numbers(saved)[:1]
    assert await count(db, Report) == 1
    extras = (await db.exec(select(GraffitiPhoto).where(GraffitiPhoto.report_id == number))).all()
    assert len(extras) == 2
    assert not any(photo.is_after for photo in extras)


async def test_cancel_saves_nothing(client: BotClient, db: AsyncSession) -> None:
    await send_photo(client, jpeg(wall_image(6)))
    reply = text(await client.send("/cancel"))
    assert await count(db, GraffitiDraft) == 0
    assert await count(db, Report) == 0
    assert reply
    # Afterwards text is a link report again, not an answer to the conversation.
    assert numbers(text(await client.send("t.me/after_cancel_shop")))


async def test_forward_is_an_exact_duplicate(client: BotClient, db: AsyncSession) -> None:
    data = jpeg(wall_image(7))
    await send_photo(client, data, unique_id="same-picture")
    await send_location(client, ABAY_DOSTYK)
    [first] = numbers(text(await client.send("@forward_shop")))[:1]
    other = client.as_user(1002)
    reply = text(await send_photo(other, data, unique_id="same-picture"))
    assert numbers(reply) == [first]
    assert await count(db, Report) == 2  # the wall and its shop; no second wall
    assert await count(db, GraffitiDraft) == 0
    volunteers = await db.exec(select(Sighting.volunteer_id).where(Sighting.report_id == first))
    assert len(volunteers.all()) == 2  # the forward is a confirmation


async def test_near_identical_photo_is_flagged_not_merged(
    client: BotClient, db: AsyncSession
) -> None:
    first = await report_wall(client, 8)
    other = client.as_user(1002)
    await send_photo(other, jpeg(wall_image(8), 60))
    await send_location(other, (43.25, 76.92))
    second = numbers(text(await other.send("-")))[0]
    assert second != first
    assert (await graffiti(db, second)).possible_duplicate_of == first
    await send_photo(other, jpeg(wall_image(9)))
    await send_location(other, (43.25, 76.92))
    third = numbers(text(await other.send("-")))[0]
    assert (await graffiti(db, third)).possible_duplicate_of is None


async def test_abandoned_conversation_is_saved_after_the_timeout(
    client: BotClient, db: AsyncSession, bot: Bot, i18n: I18n, dispatcher: Dispatcher
) -> None:
    asked = texts(await send_photo(client, jpeg(wall_image(10)), caption="@abandoned_shop"))
    # The caption's handle is a report at once; the wall waits for its conversation.
    [shop] = numbers(asked[0])
    options, index = deps_of(dispatcher).graffiti_options, deps_of(dispatcher).phash_index
    session_maker = background_of(dispatcher).session_maker
    kwargs: dict[str, Any] = {
        "bot": bot, "session_maker": session_maker, "i18n": i18n, "options": options,
        "sender": background_of(dispatcher).sender,
    }  # fmt: skip
    early = await finish_abandoned_once(index=index, now=utcnow() + timedelta(minutes=5), **kwargs)
    assert early == []
    assert await count(db, Report) == 1
    client.session.clear()
    late = await finish_abandoned_once(index=index, now=utcnow() + timedelta(minutes=11), **kwargs)
    [report] = late
    details = await graffiti(db, report.report_id)
    assert details.handle_report_id == shop
    assert details.latitude is None
    [told] = client.session.sent(SendMessage)
    assert told.chat_id == client.user_id
    assert f"#{report.report_id}" in told.text
    assert await count(db, GraffitiDraft) == 0


async def test_a_new_wall_saves_the_previous_conversation(
    client: BotClient, db: AsyncSession
) -> None:
    await send_photo(client, jpeg(wall_image(12)))
    replies = texts(await send_photo(client, jpeg(wall_image(13))))
    [saved_number] = numbers(replies[0])
    assert await count(db, Report) == 1
    assert await count(db, GraffitiDraft) == 1
    assert (await db.get(Report, saved_number)) is not None


async def test_someone_elses_draft_button_changes_nothing(
    client: BotClient, db: AsyncSession
) -> None:
    asked = await send_photo(client, jpeg(wall_image(14)))
    # Another volunteer replays the data of this volunteer's district button.
    shown, medeu = find_button(asked, "Медеуский")
    stranger = client.as_user(1002)
    reply = text(await stranger.forge_press(medeu, message_id=client.message_id_of(shown)))
    assert reply == "Этот диалог уже завершён."  # for them, there is no such conversation
    draft = (await db.exec(select(GraffitiDraft))).one()
    await db.refresh(draft)
    assert draft.district is None
    assert await count(db, Report) == 0
    assert (await db.exec(select(Volunteer).where(Volunteer.telegram_id == tg_id(1002)))).one()


async def test_same_picture_sent_twice_keeps_the_conversation(
    client: BotClient, db: AsyncSession
) -> None:
    volunteer = client.as_user(1107, language_code="en")
    data = jpeg(wall_image(73))
    await send_photo(volunteer, data, unique_id="double-send")
    again = texts(await send_photo(volunteer, data, unique_id="double-send"))
    # No report without a place, no second conversation: the question is simply asked again.
    assert await count(db, Report) == 0
    assert await count(db, GraffitiDraft) == 1
    assert await count(db, GraffitiDraftPhoto) == 1
    assert again
    assert "Where is this wall?" in again[0]
    assert "written on the wall" in text(await send_location(volunteer, ABAY_DOSTYK))
    [number] = numbers(text(await volunteer.send("@double_send_shop")))[:1]
    assert await count(db, GraffitiPhoto) == 0
    assert (await graffiti(db, number)).possible_duplicate_of is None
