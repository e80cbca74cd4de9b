"""Links are never lost in the graffiti conversation: a caption's links survive /cancel, a link
sent where the place was asked is no address, and a screenshot becomes evidence on its links."""

import csv
import io

from aiogram.methods import SendDocument, SendPhoto
from PIL import Image
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import TargetKind
from models.graffiti import Graffiti, GraffitiDraft
from models.report import EvidencePhoto, Report
from tests.support.accounts import ADMIN_ID
from tests.support.client import BotClient, numbers, text, texts
from tests.support.graffiti_helpers import (
    ABAY_DOSTYK,
    NOTHING_READABLE,
    SCREENSHOT,
    add_photo,
    graffiti,
    jpeg,
    jpeg_with_gps,
    send_location,
    send_photo,
    wall_image,
)
from tests.support.report_setup import accept, count


async def link_report(db: AsyncSession, key_part: str) -> Report:
    db.expire_all()
    reports = (await db.exec(select(Report).where(Report.kind != TargetKind.GRAFFITI))).all()
    [found] = [r for r in reports if key_part in (r.canonical_key or "")]
    return found


async def test_caption_links_survive_cancel(client: BotClient, db: AsyncSession) -> None:
    asked = texts(await send_photo(client, jpeg(wall_image(501)), caption="t.me/cancel_shop"))
    assert any("#" in line for line in asked)  # the link's number, before any question
    assert "не сохранено" in text(await client.send("/cancel"))
    assert await count(db, GraffitiDraft) == 0
    shop = await link_report(db, "cancel_shop")
    assert shop.status == "new"


async def test_link_in_the_place_step_is_no_address(client: BotClient, db: AsyncSession) -> None:
    await send_photo(client, jpeg(wall_image(502)))
    answer = text(await client.send("https://t.me/place_step_shop"))
    [shop_number] = numbers(answer)[:1]
    assert "стен" in answer.lower()  # asked again where the wall is
    draft = (await db.exec(select(GraffitiDraft))).one()
    assert draft.address is None
    assert draft.handle_text == "https://t.me/place_step_shop"
    # The link was what is written on the wall: the place completes the report.
    saved = text(await send_location(client, ABAY_DOSTYK))
    [wall] = numbers(saved)[:1]
    details = await graffiti(db, wall)
    assert details.address is None
    assert details.handle_report_id == shop_number
    await accept(db, wall)
    moderator = client.as_user(ADMIN_ID)
    await moderator.send("/start")
    client.session.clear()
    await moderator.send("/graffiti_batch")
    [csv_file] = [
        r.document
        for r in client.session.sent(SendDocument)
        if r.document.filename.endswith(".csv")
    ]
    rows = list(csv.reader(io.StringIO(csv_file.data.decode("utf-8-sig"))))
    assert "place_step_shop" not in rows[1][3]  # the address column
    assert rows[1][3] == f"{ABAY_DOSTYK[0]:.5f}, {ABAY_DOSTYK[1]:.5f}"


async def test_screenshot_with_link_in_caption(client: BotClient, db: AsyncSession) -> None:
    file_id, unique = add_photo(client, jpeg_with_gps())
    document = {"file_id": file_id, "file_unique_id": unique, "mime_type": "image/jpeg"}
    asked = await client.send(caption="https://t.me/screen_shop", extra={"document": document})
    [shop] = numbers(texts(asked)[0])[:1]
    done = text(await client.press(asked, SCREENSHOT))
    assert f"#{shop}" in done
    assert await count(db, Graffiti) == 0
    assert await count(db, GraffitiDraft) == 0
    [evidence] = (await db.exec(select(EvidencePhoto))).all()
    assert evidence.report_id == shop
    assert evidence.file_unique_id == unique

    moderator = client.as_user(ADMIN_ID)
    await moderator.send("/start")
    full = text(await moderator.send(f"/report {shop}"))
    assert f"/photo {shop}" in full
    assert "1" in full
    client.session.clear()
    await moderator.send(f"/photo {shop}")
    [sent] = client.session.sent(SendPhoto)
    assert sent.caption == f"#{shop} · скриншот"
    with Image.open(io.BytesIO(sent.photo.data)) as image:
        assert not image.getexif()
    # The queue card is the screenshot itself (stripped), with the card as its caption.
    client.session.clear()
    await moderator.send("/queue")
    [card] = client.session.sent(SendPhoto)
    assert f"#{shop}" in card.caption
    assert card.reply_markup is not None
    assert b"Exif" not in card.photo.data


async def test_screenshot_then_link_in_next_message(client: BotClient, db: AsyncSession) -> None:
    asked = await send_photo(client, jpeg(wall_image(503)))
    question = text(await client.press(asked, SCREENSHOT))
    assert "@" in question
    answer = text(await client.send("Вот канал: @next_shot_shop"))
    [shop] = numbers(answer)[:1]
    [evidence] = (await db.exec(select(EvidencePhoto))).all()
    assert evidence.report_id == shop
    assert await count(db, Graffiti) == 0
    assert await count(db, GraffitiDraft) == 0


async def test_several_links_on_the_wall_are_all_reported(
    client: BotClient, db: AsyncSession
) -> None:
    await send_photo(client, jpeg(wall_image(504)))
    await send_location(client, ABAY_DOSTYK)
    replies = texts(await client.send("@first_wall_shop и t.me/second_wall_shop"))
    assert len(replies) == 2
    assert "second_wall_shop" in replies[0]
    for name in ("first_wall_shop", "second_wall_shop"):
        assert (await link_report(db, name)).kind == TargetKind.TELEGRAM
    [wall] = numbers(replies[1])[:1]
    assert (await graffiti(db, wall)).handle_text == "@first_wall_shop"


async def test_a_wall_by_district_shows_no_latin_name(client: BotClient) -> None:
    asked = await send_photo(client, jpeg(wall_image(505)))
    handle_question = await client.press(asked, "Медеуский")
    saved = texts(await client.press(handle_question, NOTHING_READABLE))
    mine = texts(await client.send("/my"))
    for line in saved + mine:
        assert "Medeu" not in line, line
