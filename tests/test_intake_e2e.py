"""Volunteers send links through the real dispatcher; we read what they are told and the DB."""

import logging

import pytest
from aiogram.methods import SendMessage
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.report import Evidence, Report, Sighting
from models.volunteer import Volunteer
from tests.support.client import BotClient, numbers, text
from tests.support.recording_session import RecordingSession
from tests.support.report_setup import count
from tests.support.telegram_html import shown
from tests.support.telegram_ids import tg_id


async def test_start_registers_and_shows_safety_rules(client: BotClient, db: AsyncSession) -> None:
    reply = text(await client.send("/start", entities=[_command("/start")]))
    assert "никогда" in reply.lower()  # the safety rules, in Russian by default
    volunteer = (await db.exec(select(Volunteer))).one()
    assert (volunteer.telegram_id, volunteer.first_name) == (tg_id(1001), "Aruzhan")


async def test_every_spelling_of_a_channel_gets_one_number(
    client: BotClient, db: AsyncSession
) -> None:
    first = text(await client.send("https://t.me/DrugShop_kz"))
    assert "новая жалоба" in first
    [number] = numbers(first)
    other = client.as_user(1002)
    for spelling in ["@drugshop_kz", "t.me/s/DRUGSHOP_KZ", "tg://resolve?domain=drugshop_kz"]:
        reply = text(await other.send(spelling))
        assert numbers(reply) == [number], (spelling, reply)
    assert await count(db, Report) == 1
    assert await count(db, Sighting) == 2  # one find, one confirmation; repeats count once


async def test_confirmation_and_repeat_are_told_apart(client: BotClient, db: AsyncSession) -> None:
    text(await client.send("shop-example.kz/catalog"))
    other = client.as_user(1002, language_code="en")
    confirmed = text(await other.send("https://www.shop-example.kz/catalog/?utm_source=tg"))
    assert "already reported" in confirmed
    assert "confirmation is counted" in confirmed
    repeated = text(await other.send("http://SHOP-EXAMPLE.kz/catalog#top"))
    assert "you already sent this" in repeated
    assert await count(db, Sighting) == 2


async def test_different_targets_get_different_numbers(client: BotClient) -> None:
    reply = text(await client.send("t.me/shop_one and t.me/shop_two, also shop.kz/a shop.kz/A"))
    assert len(set(numbers(reply))) == 4


async def test_one_message_with_good_and_bad_links(client: BotClient, db: AsyncSession) -> None:
    reply = text(
        await client.send(
            "good: t.me/good_shop bad: javascript:alert(1) http://192.168.1.1/x "
            "http://localhost:8080 ftp://files.kz/a"
        )
    )
    assert len(numbers(reply)) == 1
    assert reply.count("✗") == 4
    assert await count(db, Report) == 1


async def test_refused_link_stores_nothing(client: BotClient, db: AsyncSession) -> None:
    for bad in [
        "http://127.0.0.1/admin",
        "http://[::1]/",
        "http://10.0.0.7",
        "file:///etc/passwd",
        "http://169.254.169.254/latest",
        "https://" + "a" * 2050 + ".kz",
    ]:
        reply = text(await client.send(bad))
        assert "✗" in reply, (bad, reply)
        assert not numbers(reply), (bad, reply)
    assert await count(db, Report) == 0
    assert await count(db, Sighting) == 0


async def test_too_many_links_saves_none(client: BotClient, db: AsyncSession) -> None:
    many = " ".join(f"t.me/shop_{i:03d}" for i in range(21))
    reply = text(await client.send(many))
    assert "20" in reply
    assert not numbers(reply)
    assert await count(db, Report) == 0


async def test_no_link_gets_a_hint(client: BotClient, db: AsyncSession) -> None:
    reply = text(await client.send("привет, как дела? встреча в 10:30."))
    assert "ссылк" in reply.lower()
    assert await count(db, Report) == 0


async def test_same_message_twice_makes_one_sighting(client: BotClient, db: AsyncSession) -> None:
    update = client.message_update("t.me/twice_shop", message_id=777)
    await client.feed(update)
    again = dict(update, update_id=update["update_id"] + 10_000)
    await client.feed(again)
    assert await count(db, Sighting) == 1


async def test_entities_text_links_and_captions(client: BotClient) -> None:
    message = "see this shop and that"
    reply = text(
        await client.send(
            message,
            entities=[
                {"type": "text_link", "offset": 4, "length": 4, "url": "https://t.me/linked_shop"},
            ],
        )
    )
    assert len(numbers(reply)) == 1
    assert "linked_shop" in reply
    caption_reply = text(await client.send(caption="фото магазина t.me/caption_shop"))
    assert len(numbers(caption_reply)) == 1


async def test_forwarded_channel_post_reports_the_channel(
    client: BotClient, db: AsyncSession
) -> None:
    origin = {
        "type": "channel",
        "date": 1_700_000_000,
        "chat": {"id": -1001, "type": "channel", "title": "Shop", "username": "Forwarded_Shop"},
        "message_id": 55,
    }
    reply = text(await client.send("купи сейчас", forward_origin=origin))
    [number] = numbers(reply)
    same = text(await client.as_user(1002).send("@forwarded_shop"))
    assert numbers(same) == [number]
    evidence = (await db.exec(select(Evidence))).one()
    assert evidence.url.endswith("/55")


async def test_group_chat_takes_no_reports(client: BotClient, db: AsyncSession) -> None:
    sent = await client.send("t.me/group_shop", chat_type="supergroup", chat_id=-100500)
    assert sent == []
    assert await count(db, Report) == 0


async def test_html_in_links_is_escaped(client: BotClient) -> None:
    """The volunteer reads back the link they sent, character for character; unescaped, the
    `&` would make Telegram refuse the reply, and `&amp` would reach them as `&`."""
    volunteer = client.as_user(1, language_code="en")
    saved = shown(text(await volunteer.send("https://shop.kz/buy?a=1&b=2")))
    assert saved.splitlines()[1].strip() == "https://shop.kz/buy?a=1&b=2", saved
    refused = shown(text(await volunteer.send("t.me/shop_&amp")))
    assert refused.startswith("✗ t.me/shop_&amp — "), refused
    # Tags in a link are no formatting: the reply shows the link, percent-encoded as it is kept.
    tagged = shown(text(await volunteer.send("https://shop.kz/<b>x</b>")))
    assert "https://shop.kz/%3Cb%3Ex%3C/b" in tagged, tagged


def _command(command: str) -> dict[str, object]:
    return {"type": "bot_command", "offset": 0, "length": len(command)}


async def test_a_failure_after_the_save_is_logged_once_and_the_volunteer_hears_it_was_saved(
    client: BotClient, fake_session: RecordingSession, caplog: pytest.LogCaptureFixture
) -> None:
    # Telegram refuses the reply once: the link is already committed, the handler fails.
    fake_session.fail_next("SendMessage", error_code=400, description="Bad Request: test")
    with caplog.at_level(logging.ERROR):
        sent = await client.send("t.me/failure_shop")
    [answer] = [r for r in sent if isinstance(r, SendMessage)][1:]
    # Never "something went wrong" about saved work (handlers/errors.py).
    assert answer.text.startswith("Сохранено")
    assert "/my" in answer.text
    [record] = [r for r in caplog.records if r.name == "handlers.errors"]
    assert f"from user {tg_id(1001)}" in record.getMessage()
    assert "#" in text(await client.send("/my"))  # the link was saved before the failure
