"""Shared steps for the senior volunteers' tests: the administrator makes seniors, seniors vote."""

from typing import Any

from aiogram.methods import TelegramMethod

from tests.support.accounts import ADMIN_ID
from tests.support.client import BotClient, text, texts

DRUGS, NOT_DRUGS, UNSURE = "Looks like drugs", "Not drugs", "Not sure"


async def make_senior(client: BotClient, user_id: int, **kwargs: Any) -> BotClient:
    senior = client.as_user(user_id, **{"language_code": "en", **kwargs})
    await senior.send("/start")
    granted = await client.as_user(ADMIN_ID, language_code="en").send(
        f"/grant_senior {senior.user_id}"
    )
    assert "now a senior volunteer" in text(granted, ADMIN_ID)
    return senior


def check_number(requests: list[TelegramMethod[Any]]) -> int | None:
    """The report on the last /check card shown, None when the bot said nothing is waiting."""
    shown = [t for t in texts(requests) if "Pre-check" in t or "Nothing to check" in t]
    assert shown, texts(requests)
    if "Nothing to check" in shown[-1]:
        return None
    return int(shown[-1].split("#", 1)[1].split(" ", 1)[0])


async def vote(senior: BotClient, choices: list[str]) -> list[int]:
    """/check, then press one button per card in turn; the reports voted on."""
    screen = await senior.send("/check")
    voted = []
    for choice in choices:
        number = check_number(screen)
        assert number is not None
        voted.append(number)
        screen = await senior.press(screen, choice)
    return voted
