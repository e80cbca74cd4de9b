"""Decompression bombs: an image's pixels are counted from its header and an image over
[graffiti] max_megapixels is refused before decoding; a bad stored image breaks no other photo."""

import io
from functools import cache

from aiogram.methods import SendMediaGroup, SendPhoto
from PIL import Image
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.graffiti import Graffiti, GraffitiDraft, GraffitiPhoto
from tests.support.accounts import ADMIN_ID
from tests.support.client import BotClient, numbers, text, texts
from tests.support.graffiti_helpers import add_photo, jpeg, send_location, send_photo, wall_image
from tests.support.report_setup import count


@cache
def bomb_png() -> bytes:
    """12,000 × 12,000 pixels (144 megapixels) in a file of a few hundred kilobytes."""
    out = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(out, format="PNG", optimize=True)
    return out.getvalue()


def as_file(client: BotClient, data: bytes) -> dict[str, object]:
    file_id, unique = add_photo(client, data)
    return {"document": {"file_id": file_id, "file_unique_id": unique, "mime_type": "image/png"}}


async def test_pixel_bomb_is_refused_before_decoding(client: BotClient, db: AsyncSession) -> None:
    assert Image.MAX_IMAGE_PIXELS == 40_000_000  # Pillow's own guard follows the setting
    assert len(bomb_png()) < 1_000_000
    reply = text(await client.send(extra=as_file(client, bomb_png())))
    assert "40" in reply
    assert "не сохранено" in reply
    assert await count(db, GraffitiDraft) == 0
    assert await count(db, Graffiti) == 0
    # A normal photo afterwards starts the conversation as usual.
    assert texts(await send_photo(client, jpeg(wall_image(701))))


async def test_an_unreadable_stored_photo_breaks_no_other(
    client: BotClient, db: AsyncSession
) -> None:
    album = {"media_group_id": "bomb-album"}
    await send_photo(client, jpeg(wall_image(702)), extra=album)
    await send_photo(client, jpeg(wall_image(703)), extra=album)
    await send_location(client, (43.24, 76.95))
    [wall] = numbers(text(await client.send("@bomb_album_shop")))[:1]
    # The album's second photo turns out to be a huge image (e.g. stored before the limit).
    [extra] = (await db.exec(select(GraffitiPhoto).where(GraffitiPhoto.report_id == wall))).all()
    client.session.add_file(extra.file_id, bomb_png())
    moderator = client.as_user(ADMIN_ID)
    await moderator.send("/start")
    client.session.clear()
    answer = await moderator.send(f"/photo {wall}")
    [sent] = client.session.sent(SendPhoto)
    assert sent.caption == f"#{wall} · до"
    assert not client.session.sent(SendMediaGroup)
    assert any("1" in line for line in texts(answer))
