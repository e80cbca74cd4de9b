"""A second press of the same button: Telegram refuses the unchanged edit ("message is not
modified"), and the bot must treat that as done — once for the whole bot (bot/unchanged_edits.py).

The recording session refuses an edit that changes nothing, as Telegram does.
"""

from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import District, ReportStatus
from models.graffiti import Graffiti
from tests.support.client import BotClient, buttons, texts
from tests.support.graffiti_helpers import jpeg, send_photo, wall_image
from tests.support.recording_session import NOT_MODIFIED, RecordingSession
from tests.support.report_setup import statuses
from tests.support.triage_helpers import make_moderator, report_link

WRONG = "went wrong"


def _answered(requests: list) -> bool:
    return any(isinstance(r, AnswerCallbackQuery) for r in requests)


async def test_second_press_on_a_my_page(client: BotClient) -> None:
    volunteer = client.as_user(1801, language_code="en")
    for index in range(12):
        await volunteer.send(f"t.me/double_page_{index:02d}")
    [first_page] = [r for r in await volunteer.send("/my") if isinstance(r, SendMessage)]
    label, _data = buttons(first_page)[-1]  # «Older», after a button per report
    assert "»" in label
    once = await volunteer.press([first_page], label)
    twice = await volunteer.press([first_page], label)
    assert any(isinstance(r, EditMessageText) for r in once)
    assert not any(WRONG in t for t in texts(once + twice))
    assert _answered(twice)  # the spinner on the button stops


async def test_second_press_on_a_language(client: BotClient) -> None:
    volunteer = client.as_user(1802, language_code="en")
    [menu] = await volunteer.send("/lang")
    await volunteer.press([menu], "English")
    twice = await volunteer.press([menu], "English")
    assert not any(WRONG in t for t in texts(twice))
    assert _answered(twice)


async def test_second_press_on_a_district(client: BotClient, db: AsyncSession) -> None:
    volunteer = client.as_user(1803, language_code="en")
    asked = await send_photo(volunteer, jpeg(wall_image(41)), caption="t.me/double_district")
    once = await volunteer.press(asked, "Almaly")
    twice = await volunteer.press(asked, "Almaly")
    assert not any(WRONG in t for t in texts(once + twice))
    assert [g.district for g in (await db.exec(select(Graffiti))).all()] == [District.ALMALY]


async def test_double_press_on_accept_is_not_an_error(
    client: BotClient, db: AsyncSession, fake_session: RecordingSession
) -> None:
    """A second press of Accept (a slow network) asks Telegram for the keyboard already shown,
    which it refuses as "not modified": the moderator got "something went wrong"."""
    first = await report_link(client, 1, "t.me/double_press")
    moderator = await make_moderator(client, 500)
    card = await moderator.send("/queue")
    await moderator.press(card, "Accept")
    fake_session.fail_next(
        "EditMessageReplyMarkup",
        description=NOT_MODIFIED,
    )
    again = await moderator.press(card, "Accept")
    assert not any("went wrong" in t for t in texts(again))
    assert await statuses(db, [first]) == [ReportStatus.NEW]
