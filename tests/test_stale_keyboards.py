"""When a dialogue is over, its buttons leave the screen instead of waiting to be pressed."""

from typing import Any

from aiogram.methods import AnswerCallbackQuery, EditMessageReplyMarkup, TelegramMethod
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import ReportStatus
from tests.support.client import BotClient, buttons, find_button
from tests.support.recording_session import RecordingSession
from tests.support.report_setup import make_reports
from tests.support.telegram_ids import tg_id
from tests.support.triage_helpers import make_moderator, report_link
from tests.support.uploads import upload


def stripped(requests: list[TelegramMethod[Any]]) -> list[tuple[int | str, int | None]]:
    return [
        (r.chat_id or 0, r.message_id)
        for r in requests
        if isinstance(r, EditMessageReplyMarkup) and r.reply_markup is None
    ]


async def test_a_new_queue_card_takes_the_old_cards_buttons_away(client: BotClient) -> None:
    await report_link(client, tg_id(100001), "t.me/stale_card_one")
    await report_link(client, tg_id(100002), "t.me/stale_card_two")
    moderator = await make_moderator(client, tg_id(100003))
    [first] = [r for r in await moderator.send("/queue") if buttons(r)]
    again = await moderator.send("/queue")
    assert any(buttons(r) for r in again)
    shown = client.session.result_of(first)
    assert stripped(again) == [(moderator.user_id, shown.message_id)]


async def test_a_button_nobody_may_press_is_removed(client: BotClient) -> None:
    volunteer = client.as_user(tg_id(100004), language_code="en")
    [thanks] = await volunteer.send("t.me/stale_card_three")
    # A moderator's Accept on the volunteer's own message: no one there may press it.
    message_id = volunteer.message_id_of(thanks)
    pressed = await volunteer.forge_press("tq:a:1:", message_id=message_id)
    [alert] = [r for r in pressed if isinstance(r, AnswerCallbackQuery)]
    assert alert.show_alert
    assert "not available" in (alert.text or "")
    assert stripped(pressed) == [(volunteer.user_id, message_id)]


async def test_an_expired_list_confirmation_loses_its_buttons(
    client: BotClient, db: AsyncSession, fake_session: RecordingSession
) -> None:
    await make_reports(client, db, ["stale-list.kz/a"], status=ReportStatus.SENT)
    moderator = await make_moderator(client, tg_id(100005))
    asked = await upload(moderator, fake_session, "stale.txt", b"stale-list.kz\n")
    preview, _confirm = find_button(asked, "Confirm")
    message_id = moderator.message_id_of(preview)
    # The confirmation's token is no longer stored (it expired): the preview's buttons go.
    pressed = await moderator.forge_press("vl:1:nolongerwaiting", message_id=message_id)
    [alert] = [r for r in pressed if isinstance(r, AnswerCallbackQuery)]
    assert "no longer waiting" in (alert.text or "")
    assert stripped(pressed) == [(moderator.user_id, message_id)]
