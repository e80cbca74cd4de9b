"""Moderators never judge a wall blind: the queue card is the wall's photo, and "Photos: N" on
the card and in /report is exactly what /photo N sends, each photo labelled."""

from aiogram.methods import SendMediaGroup, SendMessage, SendPhoto
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.triage.card_message import split_caption
from tests.support.accounts import ADMIN_ID
from tests.support.client import BotClient, numbers, text
from tests.support.graffiti_helpers import (
    NOTHING_READABLE,
    REJECT_CLAIM,
    SKIP_PLACE,
    confirm_next_claim,
    jpeg,
    send_location,
    send_photo,
    wall_image,
)
from tests.support.report_setup import accept

ALBUM = {"media_group_id": "wall-album-7"}


async def wall_with_album(client: BotClient) -> int:
    asked = await send_photo(client, jpeg(wall_image(601)), extra=ALBUM)
    await send_photo(client, jpeg(wall_image(602)), extra=ALBUM)
    assert asked
    await send_location(client, (43.25, 76.92))
    return numbers(text(await client.send("@photos_shop")))[0]


async def test_photo_count_is_what_photo_sends(client: BotClient, db: AsyncSession) -> None:
    wall = await wall_with_album(client)
    await accept(db, wall)
    moderator = client.as_user(ADMIN_ID)
    await moderator.send("/start")
    # One claim rejected (its photo is not the wall's), one still open.
    await send_photo(client.as_user(1302), jpeg(wall_image(603)), caption=f"/painted {wall}")
    shown = await moderator.send("/claims")
    await moderator.press(shown, REJECT_CLAIM)
    await send_photo(client.as_user(1303), jpeg(wall_image(604)), caption=f"/painted {wall}")

    full = text(await moderator.send(f"/report {wall}"))
    assert f"Фото: 3 · /photo {wall}" in full
    client.session.clear()
    await moderator.send(f"/photo {wall}")
    [album] = client.session.sent(SendMediaGroup)
    assert [m.caption for m in album.media] == [
        f"#{wall} · до",
        f"#{wall} · до",
        f"#{wall} · после, прислал волонтёр, ещё не подтверждено",
    ]
    # Confirmed, the claim's photo is an «after» photo of the wall.
    await confirm_next_claim(moderator)
    client.session.clear()
    await moderator.send(f"/photo {wall}")
    [album] = client.session.sent(SendMediaGroup)
    assert [m.caption for m in album.media][-1] == f"#{wall} · после"


async def test_queue_card_of_a_wall_is_its_photo(client: BotClient) -> None:
    first = await wall_with_album(client)
    asked = await send_photo(client, jpeg(wall_image(611)))
    handle_question = await client.press(asked, SKIP_PLACE)
    saved = await client.press(handle_question, NOTHING_READABLE)
    second = numbers(text(saved))[0]
    moderator = client.as_user(ADMIN_ID)
    await moderator.send("/start")
    client.session.clear()
    await moderator.send("/queue")
    [card] = client.session.sent(SendPhoto)
    assert card.caption.startswith(f"<b>#{first}</b>")
    assert "Фото: 2" in card.caption
    assert not client.session.sent(SendMessage)
    # The wall's handle is the next report: an online one, a text card edited in place.
    shown = await moderator.press([card], "⏭ Пропустить")
    shop_card = text(shown)
    assert "@photos_shop" in shop_card.lower() or "photos_shop" in shop_card
    assert numbers(shop_card), shop_card  # a card of its own, with its number
    client.session.clear()
    await moderator.press(shown, "⏭ Пропустить")
    [next_card] = client.session.sent(SendPhoto)
    assert f"#{second}" in next_card.caption


def test_a_long_card_is_split_at_a_line() -> None:
    lines = [f"line {n} " + "x" * 90 for n in range(20)]
    caption, rest = split_caption("\n".join(lines))
    assert len(caption) <= 1024
    assert caption.endswith("x")
    assert rest.startswith("line ")
    assert caption.split("\n") + rest.split("\n") == lines
