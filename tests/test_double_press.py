"""A second press of the same button: Telegram refuses the unchanged edit ("message is not
modified"), and the bot must treat that as done — once for the whole bot (bot/unchanged_edits.py).

The recording session refuses an edit that changes nothing, as Telegram does.
"""

from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.callbacks import GraffitiAction
from models.enums import District
from models.graffiti import Graffiti
from tests.support.client import BotClient, buttons, texts
from tests.support.graffiti_helpers import draft_button, jpeg, send_photo, wall_image

WRONG = "went wrong"


def _answered(requests: list) -> bool:
    return any(isinstance(r, AnswerCallbackQuery) for r in requests)


async def test_second_press_on_a_my_page(client: BotClient) -> None:
    volunteer = client.as_user(1801, language_code="en")
    for index in range(12):
        await volunteer.send(f"t.me/double_page_{index:02d}")
    [first_page] = [r for r in await volunteer.send("/my") if isinstance(r, SendMessage)]
    [(_label, data)] = buttons(first_page)
    once = await volunteer.click(data, message_id=7)
    twice = await volunteer.click(data, message_id=7)
    assert any(isinstance(r, EditMessageText) for r in once)
    assert not any(WRONG in t for t in texts(once + twice))
    assert _answered(twice)  # the spinner on the button stops


async def test_second_press_on_a_language(client: BotClient) -> None:
    volunteer = client.as_user(1802, language_code="en")
    [menu] = await volunteer.send("/lang")
    english = dict(buttons(menu))["English"]
    await volunteer.click(english, message_id=8)
    twice = await volunteer.click(english, message_id=8)
    assert not any(WRONG in t for t in texts(twice))
    assert _answered(twice)


async def test_second_press_on_a_district(client: BotClient, db: AsyncSession) -> None:
    volunteer = client.as_user(1803, language_code="en")
    asked = await send_photo(volunteer, jpeg(wall_image(41)), caption="t.me/double_district")
    almaly = draft_button(asked, GraffitiAction.DISTRICT, District.ALMALY.value)
    once = await volunteer.click(almaly, message_id=9)
    twice = await volunteer.click(almaly, message_id=9)
    assert not any(WRONG in t for t in texts(once + twice))
    assert [g.district for g in (await db.exec(select(Graffiti))).all()] == [District.ALMALY]
