"""When a dialogue is over, its buttons leave the screen instead of waiting to be pressed."""

from typing import Any

from aiogram.methods import AnswerCallbackQuery, EditMessageReplyMarkup, TelegramMethod

from tests.support.client import BotClient, buttons
from tests.support.telegram_ids import tg_id
from tests.support.triage_helpers import make_moderator, report_link


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
    pressed = await volunteer.click("tq:a:1:", message_id=77)
    [alert] = [r for r in pressed if isinstance(r, AnswerCallbackQuery)]
    assert alert.show_alert
    assert "not available" in (alert.text or "")
    assert stripped(pressed) == [(volunteer.user_id, 77)]


async def test_an_expired_list_confirmation_loses_its_buttons(client: BotClient) -> None:
    moderator = await make_moderator(client, tg_id(100005))
    pressed = await moderator.click("vl:1:nolongerwaiting", message_id=78)
    [alert] = [r for r in pressed if isinstance(r, AnswerCallbackQuery)]
    assert "no longer waiting" in (alert.text or "")
    assert stripped(pressed) == [(moderator.user_id, 78)]
