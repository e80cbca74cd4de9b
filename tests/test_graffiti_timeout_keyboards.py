"""A conversation saved by the timeout takes its buttons off the volunteer's screen too."""

from datetime import timedelta
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.methods import EditMessageReplyMarkup, SendMessage
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n

from bot.factory import background_of, deps_of
from bot.jobs.graffiti import finish_abandoned_once
from services.clock import utcnow
from services.pacing import Delivery, Progress
from tests.support.client import BotClient
from tests.support.graffiti_helpers import jpeg, send_photo, wall_image


def prompts_with_buttons(client: BotClient, requests: list[Any]) -> list[int]:
    """The ids Telegram gave the bot's messages that carry inline buttons."""
    return [
        client.session.result_of(r).message_id
        for r in requests
        if isinstance(r, SendMessage) and isinstance(r.reply_markup, InlineKeyboardMarkup)
    ]


async def finish_after_eleven_minutes(
    client: BotClient, dispatcher: Dispatcher, bot: Bot, i18n: I18n
) -> list[Any]:
    """Run the finisher once as if the conversation had been quiet past finish_after_minutes."""
    client.session.clear()
    [_saved] = await finish_abandoned_once(
        bot=bot,
        session_maker=background_of(dispatcher).session_maker,
        i18n=i18n,
        options=deps_of(dispatcher).graffiti_options,
        index=deps_of(dispatcher).phash_index,
        sender=background_of(dispatcher).sender,
        storage=dispatcher.storage,
        now=utcnow() + timedelta(minutes=11),
    )
    return list(client.session.sent())


async def test_timeout_save_strips_the_conversation_buttons(
    client: BotClient, dispatcher: Dispatcher, bot: Bot, i18n: I18n
) -> None:
    district_prompt = prompts_with_buttons(client, await send_photo(client, jpeg(wall_image(31))))
    handle_prompt = prompts_with_buttons(client, await client.send("Абая 150"))
    assert len(district_prompt) == 1
    assert len(handle_prompt) == 1
    sent = await finish_after_eleven_minutes(client, dispatcher, bot, i18n)
    edits = [r for r in sent if isinstance(r, EditMessageReplyMarkup)]
    assert {(r.chat_id, r.message_id) for r in edits} == {
        (client.user_id, district_prompt[0]),
        (client.user_id, handle_prompt[0]),
    }
    assert all(r.reply_markup is None for r in edits)
    # Buttons first, then the saved number: nothing pressable is left under it.
    assert isinstance(sent[-1], SendMessage)
    assert "#" in sent[-1].text


async def test_a_prompt_already_gone_does_not_stop_the_saved_message(
    client: BotClient, dispatcher: Dispatcher, bot: Bot, i18n: I18n
) -> None:
    await send_photo(client, jpeg(wall_image(32)))
    # The volunteer deleted the district prompt: Telegram refuses to edit it.
    client.session.fail_next(
        "EditMessageReplyMarkup", description="Bad Request: message to edit not found"
    )
    sent = await finish_after_eleven_minutes(client, dispatcher, bot, i18n)
    [told] = [r for r in sent if isinstance(r, SendMessage)]
    assert told.chat_id == client.user_id
    assert "#" in told.text
    assert len([r for r in sent if isinstance(r, EditMessageReplyMarkup)]) == 1


class HeldSender:
    """A paced sender whose queue is long: deliveries wait until the test sends them."""

    def __init__(self) -> None:
        self.waiting: list[Delivery] = []

    async def deliver(self, deliveries: Any, **_: Any) -> Progress:
        self.waiting.extend(deliveries)
        return Progress(total=len(self.waiting), sent=0, unavailable=0, failed=0, eta_seconds=0)

    async def send_all(self) -> None:
        for delivery in self.waiting:
            await delivery.send()


async def test_a_new_conversation_keeps_its_buttons_while_the_old_one_is_told(
    client: BotClient, dispatcher: Dispatcher, bot: Bot, i18n: I18n
) -> None:
    old_prompt = prompts_with_buttons(client, await send_photo(client, jpeg(wall_image(33))))
    sender = HeldSender()
    [_saved] = await finish_abandoned_once(
        bot=bot,
        session_maker=background_of(dispatcher).session_maker,
        i18n=i18n,
        options=deps_of(dispatcher).graffiti_options,
        index=deps_of(dispatcher).phash_index,
        sender=sender,  # type: ignore[arg-type]
        storage=dispatcher.storage,
        now=utcnow() + timedelta(minutes=11),
    )
    # While the "saved" message waits its turn, the volunteer starts on another wall.
    new_prompt = prompts_with_buttons(client, await send_photo(client, jpeg(wall_image(34))))
    assert len(old_prompt) == 1
    assert len(new_prompt) == 1
    client.session.clear()
    await sender.send_all()
    stripped = {
        r.message_id for r in client.session.sent() if isinstance(r, EditMessageReplyMarkup)
    }
    assert stripped == {old_prompt[0]}
