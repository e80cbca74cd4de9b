"""Nicknames that would mislead are refused; /top tells a nicknamed volunteer the truth."""

import pytest

from models.volunteer import Volunteer
from services import privacy
from tests.support.client import BotClient, text
from tests.support.recording_session import BOT_USER
from tests.support.telegram_ids import tg_id

REFUSED_AS_RESERVED = "pass you off as staff"


@pytest.mark.parametrize(
    "nickname",
    ["Admin", "admin aru", "МОДЕРАТОР", "Модератор Алма", "Volunteer", "волонтёр", "Волонтер",
     BOT_USER["first_name"], BOT_USER["username"].upper()],
)  # fmt: skip
async def test_reserved_words_are_refused(client: BotClient, nickname: str) -> None:
    volunteer = client.as_user(tg_id(90001), language_code="en")
    assert REFUSED_AS_RESERVED in text(await volunteer.send(f"/privacy {nickname}"))
    assert "«Volunteer»" in text(await volunteer.send("/privacy"))


async def test_someone_elses_nickname_or_username_is_refused(client: BotClient) -> None:
    first = client.as_user(tg_id(90002), language_code="en", username="steppe_fox")
    assert "«Night Owl»" in text(await first.send("/privacy Night Owl"))
    second = client.as_user(tg_id(90003), language_code="en")
    for taken in ("night owl", "NIGHT  OWL", "Steppe_Fox"):
        assert "Another volunteer already goes by" in text(
            await second.send(f"/privacy {taken}")
        ), taken
    # The owner may send their own nickname again.
    assert "«Night Owl»" in text(await first.send("/privacy Night Owl"))


async def test_own_first_name_and_username_are_refused(client: BotClient) -> None:
    volunteer = client.as_user(
        tg_id(90004), first_name="Aigerim", username="aigerim_k", language_code="en"
    )
    for own in ("aigerim", "Aigerim_K"):
        assert "not your name or username" in text(await volunteer.send(f"/privacy {own}"))


async def test_top_tells_a_nicknamed_volunteer_how_others_see_them(client: BotClient) -> None:
    volunteer = client.as_user(tg_id(90005), language_code="en")
    assert "Others see you as «Volunteer»" in text(await volunteer.send("/top"))
    await volunteer.send("/privacy Silver Lynx")
    top = text(await volunteer.send("/top"))
    assert "Others see you as «Silver Lynx»" in top
    assert "«Volunteer»" not in top


def test_a_phone_number_is_not_a_nickname() -> None:
    person = Volunteer(telegram_id=tg_id(1), first_name="Aruzhan")
    for phone in ("8-701-123-45-67", "701 123 4567", "777.123.45", "Aru 87011234567"):
        assert privacy.check_nickname(person, phone) is privacy.NicknameProblem.PHONE
    assert privacy.check_nickname(person, "Owl 2007") is None
