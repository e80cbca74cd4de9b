"""Moderators never judge a wall blind: the queue card is the wall's photo, and "Photos: N" on
the card and in /report is exactly what /photo N sends, each photo labelled."""

from aiogram.methods import SendMediaGroup, SendMessage, SendPhoto
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.triage.card_message import split_caption
from tests.support.accounts import ADMIN_ID
from tests.support.client import BotClient, buttons, numbers, text
from tests.support.graffiti_helpers import (
    claim_buttons,
    confirm_next_claim,
    draft_button,
    jpeg,
    send_location,
    send_photo,
    wall_image,
)
from tests.support.report_setup import accept
from views.callbacks import ClaimAction, GraffitiAction, TriageAction, TriageCard

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
    await moderator.click(claim_buttons(shown)[ClaimAction.REJECT])
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
    handle_question = await client.click(draft_button(asked, GraffitiAction.SKIP_PLACE))
    saved = await client.click(draft_button(handle_question, GraffitiAction.NO_HANDLE))
    second = numbers(text(saved))[0]
    moderator = client.as_user(ADMIN_ID)
    await moderator.send("/start")
    client.session.clear()
    await moderator.send("/queue")
    [card] = client.session.sent(SendPhoto)
    assert card.caption.startswith(f"<b>#{first}</b>")
    assert "Фото: 2" in card.caption
    assert not client.session.sent(SendMessage)
    skip = next(
        data
        for _label, data in buttons(card)
        if TriageCard.unpack(data).action is TriageAction.SKIP
    )
    # The wall's handle is the next report: an online one, a text card edited in place.
    shop_card = text(await moderator.click(skip))
    assert "@photos_shop" in shop_card.lower() or "photos_shop" in shop_card
    shop = numbers(shop_card)[0]
    client.session.clear()
    await moderator.click(TriageCard(action=TriageAction.SKIP, report_id=shop).pack())
    [next_card] = client.session.sent(SendPhoto)
    assert f"#{second}" in next_card.caption


def test_a_long_card_is_split_at_a_line() -> None:
    lines = [f"line {n} " + "x" * 90 for n in range(20)]
    caption, rest = split_caption("\n".join(lines))
    assert len(caption) <= 1024
    assert caption.endswith("x")
    assert rest.startswith("line ")
    assert caption.split("\n") + rest.split("\n") == lines
