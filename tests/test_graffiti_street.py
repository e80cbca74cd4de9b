"""The street lifecycle through the dispatcher: assign, after-photo, reappeared, crew batches."""

import csv
import io
import json

from aiogram.methods import SendDocument, SendPhoto
from openpyxl import load_workbook
from PIL import Image
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import District, ReportStatus
from models.graffiti import GraffitiPhoto
from models.moderation import AuditEntry, Notice
from models.volunteer import Volunteer
from tests.support.accounts import ADMIN_ID
from tests.support.client import BotClient, numbers, reply_to_bot, text
from tests.support.graffiti_helpers import (
    ABAY_DOSTYK,
    FAR_300M,
    NEAR_100M,
    add_photo,
    confirm_next_claim,
    graffiti,
    jpeg,
    jpeg_with_gps,
    photo_sizes,
    report_wall,
    send_location,
    send_photo,
    wall_image,
)
from tests.support.report_setup import accept, status
from tests.support.telegram_ids import tg_id


async def test_assign_after_photo_and_reappearance(client: BotClient, db: AsyncSession) -> None:
    first_photo = await send_photo(client, jpeg(wall_image(21)))
    assert first_photo
    await send_location(client, ABAY_DOSTYK)
    saved = text(await client.send("@wall_shop_kz"))
    wall, shop = numbers(saved)[:2]
    await accept(db, wall)
    moderator = client.as_user(ADMIN_ID)
    # A volunteer may not assign; a moderator may.
    assert "модератор" in text(await client.send(f"/assign {wall} Almaly")).lower()
    assert await status(db, wall) == ReportStatus.ACCEPTED
    assert f"#{wall}" in text(await moderator.send(f"/assign {wall} Алмалинский"))
    assert await status(db, wall) == ReportStatus.ASSIGNED
    assert (await graffiti(db, wall)).assigned_district == District.ALMALY

    # Another volunteer answers the bot's message about the wall with the "after" photo.
    helper = client.as_user(1002)
    after_id, after_unique = add_photo(helper, jpeg(wall_image(99)))
    reply = text(
        await helper.send(
            extra={"photo": photo_sizes(after_id, after_unique), **reply_to_bot(saved, 1002)}
        )
    )
    assert f"#{wall}" in reply
    # A volunteer's photo is a claim: the wall is painted over once a moderator confirms it.
    assert await status(db, wall) == ReportStatus.ASSIGNED
    await confirm_next_claim(moderator)
    assert await status(db, wall) == ReportStatus.PAINTED_OVER
    [after] = (await db.exec(select(GraffitiPhoto).where(GraffitiPhoto.report_id == wall))).all()
    assert after.is_after
    assert after.file_unique_id == after_unique
    helper_row = (
        await db.exec(select(Volunteer).where(Volunteer.telegram_id == tg_id(1002)))
    ).one()
    audit = (await db.exec(select(AuditEntry).where(AuditEntry.report_id == wall))).all()
    assert audit[-1].to_status == ReportStatus.PAINTED_OVER
    assert audit[-1].actor_id != helper_row.id
    notices = (await db.exec(select(Notice).where(Notice.report_id == wall))).all()
    assert "painted_over" in [n.event for n in notices]  # the reporter hears of it
    # Blocking the shop is a different matter: the shop report is untouched.
    assert await status(db, shop) == ReportStatus.NEW

    # The same handle ~100 m away: the wall is back.
    again = await report_wall(
        client.as_user(1003), 22, point=NEAR_100M, handle="t.me/wall_shop_kz"
    )
    assert (await graffiti(db, again)).same_wall_of == wall
    assert await status(db, wall) == ReportStatus.REAPPEARED


async def test_painted_by_caption_and_by_moderator(client: BotClient, db: AsyncSession) -> None:
    first = await report_wall(client, 23)
    second = await report_wall(client, 24, point=FAR_300M)
    await accept(db, first, second)
    reply = text(await send_photo(client, jpeg(wall_image(25)), caption=f"/painted {first}"))
    assert f"#{first}" in reply
    moderator = client.as_user(ADMIN_ID)
    await moderator.send("/start")
    await confirm_next_claim(moderator)
    assert await status(db, first) == ReportStatus.PAINTED_OVER
    assert f"#{second}" in text(await moderator.send(f"/painted {second} {first}"))
    assert await status(db, second) == ReportStatus.PAINTED_OVER
    # A new report cannot be painted over by a volunteer's photo: the lifecycle refuses.
    fresh = await report_wall(client, 26, point=(43.30, 76.90))
    refused = text(await send_photo(client, jpeg(wall_image(27)), caption=f"/painted {fresh}"))
    assert f"#{fresh}" in refused
    assert await status(db, fresh) == ReportStatus.NEW


async def test_same_handle_far_away_or_other_handle_is_another_wall(
    client: BotClient, db: AsyncSession
) -> None:
    first = await report_wall(client, 31, handle="@far_shop_kz")
    far = await report_wall(client, 32, point=FAR_300M, handle="@far_shop_kz")
    other = await report_wall(client, 33, point=NEAR_100M, handle="@another_shop")
    near = await report_wall(client, 34, point=NEAR_100M, handle="@FAR_SHOP_KZ")
    assert (await graffiti(db, far)).same_wall_of is None
    assert (await graffiti(db, other)).same_wall_of is None
    assert (await graffiti(db, near)).same_wall_of == first


def _document(request: SendDocument) -> tuple[str, bytes]:
    document = request.document
    return document.filename or "", document.data  # type: ignore[union-attr]


async def test_crew_batch_has_no_volunteer_identity(client: BotClient, db: AsyncSession) -> None:
    reporter = client.as_user(4242, username="secret_teen", first_name="Dana")
    located = await report_wall(reporter, 41, handle="@batch_shop")
    typed = await send_photo(reporter, jpeg(wall_image(42)))
    assert typed
    await reporter.send("Абая 10, у остановки")
    [unlocated] = numbers(text(await reporter.send("@batch_shop_two")))[:1]
    await accept(db, located, unlocated)
    moderator = client.as_user(ADMIN_ID)
    await moderator.send("/start")

    client.session.fail_next("SendDocument", skip=1)
    failed = text(await moderator.send("/graffiti_batch"))
    assert failed
    assert await status(db, located) == ReportStatus.ACCEPTED

    client.session.clear()
    done = await moderator.send("/graffiti_batch")
    files = dict(_document(r) for r in client.session.sent(SendDocument))
    assert sorted(name.rsplit(".", 1)[1] for name in files) == ["csv", "geojson", "xlsx"]
    assert "2" in text(done)
    for report_id in (located, unlocated):
        assert await status(db, report_id) == ReportStatus.ASSIGNED
    by_type = {name.rsplit(".", 1)[1]: data for name, data in files.items()}
    rows = list(csv.reader(io.StringIO(by_type["csv"].decode("utf-8-sig"))))
    assert rows[1][1] == f"#{located}"
    assert "openstreetmap.org/?mlat=43.238900" in rows[1][4]
    assert rows[2][3] == "Абая 10, у остановки"
    sheet = load_workbook(io.BytesIO(by_type["xlsx"])).active
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    geo = json.loads(by_type["geojson"])
    assert geo["type"] == "FeatureCollection"
    assert len(geo["features"]) == 1
    assert geo["features"][0]["geometry"]["coordinates"] == [ABAY_DOSTYK[1], ABAY_DOSTYK[0]]
    exported = by_type["csv"].decode("utf-8-sig") + " ".join(cells) + by_type["geojson"].decode()
    for identity in ("4242", "secret_teen", "Dana"):
        assert identity not in exported
    assert text(await moderator.send("/graffiti_batch"))  # nothing left waiting


async def test_resent_photos_carry_no_exif(client: BotClient) -> None:
    file_id, unique = add_photo(client, jpeg_with_gps())
    document = {"file_id": file_id, "file_unique_id": unique, "mime_type": "image/jpeg"}
    await client.send(extra={"document": document})
    await send_location(client, ABAY_DOSTYK)
    [wall] = numbers(text(await client.send("@exif_shop")))[:1]
    moderator = client.as_user(ADMIN_ID)
    await moderator.send("/start")
    client.session.clear()
    await moderator.send(f"/photo {wall}")
    [sent] = client.session.sent(SendPhoto)
    data = sent.photo.data
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif()
        assert "exif" not in image.info
    assert b"Exif" not in data
    assert "модератор" in text(await client.send(f"/photo {wall}")).lower()
