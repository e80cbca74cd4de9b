"""When a graffiti conversation ends, its buttons leave the screen (no stale keyboards)."""

from aiogram.methods import EditMessageReplyMarkup

from tests.support.client import BotClient, buttons, text
from tests.support.graffiti_helpers import jpeg, send_photo, wall_image


def inline(requests: list) -> list:
    return [r for r in requests if hasattr(getattr(r, "reply_markup", None), "inline_keyboard")]


def stripped(requests: list) -> list[int]:
    return [
        r.message_id
        for r in requests
        if isinstance(r, EditMessageReplyMarkup)
        and r.reply_markup is None
        and r.message_id is not None
    ]


async def test_buttons_go_when_the_report_is_saved(client: BotClient) -> None:
    asked = await send_photo(client, jpeg(wall_image(901)))
    assert any(buttons(r) for r in inline(asked))
    handle_question = await client.send("Абая 150, у остановки")
    assert any(buttons(r) for r in inline(handle_question))
    saved = await client.send("@keyboard_shop")
    assert "#" in text(saved)
    # The district buttons and «Nothing readable» are both taken off.
    assert len(set(stripped(saved))) == 2


async def test_buttons_go_on_cancel(client: BotClient) -> None:
    await send_photo(client, jpeg(wall_image(902)))
    cancelled = await client.send("/cancel")
    assert len(stripped(cancelled)) == 1
    # Nothing left to strip a second time.
    assert stripped(await client.send("/cancel")) == []
