"""Staff commands in the configured moderators' group are answered there, naming no volunteer;
in any other group they point to the private chat."""

from typing import Any

import pytest
from aiogram.methods import AnswerCallbackQuery, EditMessageReplyMarkup

from bot.config import Settings
from tests.support.accounts import ADMIN_ID, TEST_TOKEN
from tests.support.client import BotClient, buttons, message_text, text, texts
from tests.support.telegram_ids import tg_id
from tests.support.triage_helpers import NUMBER, make_moderator

GROUP = -1_005_000_000_123
OTHER_GROUP = -1_005_000_000_456
REPORTER_ID = tg_id(80001)


@pytest.fixture
def settings(database_url: str) -> Settings:
    """The suite's settings with a moderators' group (the `client` fixture builds on them)."""
    return Settings(
        telegram={"token": TEST_TOKEN},
        database={"url": database_url},
        access={"admins": [ADMIN_ID]},
        moderation={"chat_id": GROUP},
    )


async def test_staff_commands_are_answered_in_the_moderators_group(client: BotClient) -> None:
    reporter = client.as_user(REPORTER_ID, first_name="Dilnaz", username="dilnaz_secret")
    number = int(NUMBER.findall(text(await reporter.send("t.me/group_seen_shop")))[0])
    moderator = await make_moderator(client, tg_id(80002))

    in_group: dict[str, Any] = {"chat_type": "supergroup", "chat_id": GROUP}
    [card] = [
        r for r in await moderator.send("/queue", **in_group) if getattr(r, "chat_id", 0) == GROUP
    ]
    assert f"#{number}" in message_text(card)
    assert "group_seen_shop" in message_text(card)
    full = text(await moderator.send(f"/report {number}", **in_group), GROUP)
    assert "<b>Reported by 1 volunteer</b>" in full
    for secret in ("Dilnaz", "dilnaz_secret", str(REPORTER_ID)):
        assert secret not in full
        assert secret not in message_text(card)

    pressed = await moderator.press([card], "Accept")
    categories = [b for r in pressed for b in buttons(r)]
    assert categories, "the card's Accept button works in the group"
    accepted = text(await moderator.send(f"/accept {number} sales", **in_group), GROUP)
    assert f"#{number}" in accepted

    # The same report, privately: a moderator alone may see who reported it.
    assert "Dilnaz" in text(await moderator.send(f"/report {number}"))


async def test_commands_that_would_name_people_point_to_the_private_chat(
    client: BotClient,
) -> None:
    moderator = await make_moderator(client, tg_id(80003))
    reply = texts(await moderator.send("/ban 123", chat_type="supergroup", chat_id=GROUP))
    assert reply
    assert "private chat" in reply[0]


async def test_elsewhere_and_for_volunteers_the_group_gets_a_pointer(client: BotClient) -> None:
    moderator = await make_moderator(client, tg_id(80004))
    elsewhere = text(await moderator.send("/queue", chat_type="supergroup", chat_id=OTHER_GROUP))
    assert "private chat" in elsewhere
    volunteer = client.as_user(tg_id(80005), language_code="en")
    pointer = await volunteer.send("/queue", chat_type="supergroup", chat_id=GROUP)
    refused = text(pointer)
    assert "private chat" in refused
    assert "#" not in refused
    # A moderator's Accept under the bot's answer in the group, pressed by the volunteer.
    pressed = await volunteer.forge_press(
        "tq:a:1:",
        message_id=volunteer.message_id_of(pointer[-1]),
        chat_type="supergroup",
        chat_id=GROUP,
    )
    [alert] = [r for r in pressed if isinstance(r, AnswerCallbackQuery)]
    assert alert.show_alert
    assert "not available" in (alert.text or "")
    assert not [r for r in pressed if isinstance(r, EditMessageReplyMarkup)]  # the card stays
