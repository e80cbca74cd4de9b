"""A volunteer's own words (issue 11): the text around their links, a forwarded post's text and a
wall photo's caption are kept with their sighting and shown to moderators — on the queue card
and in /report, quoted, trimmed, escaped and without a name in the moderators' group — and never
to another volunteer. /forget_me erases them; /mydata counts them."""

from typing import Any

import pytest
from aiogram.methods import TelegramMethod
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from models.report import Sighting
from services.extraction import LinkSpan
from services.words import WORDS_KEPT, words_of
from tests.support.accounts import ADMIN_ID, TEST_TOKEN
from tests.support.client import BotClient, message_text, text, texts
from tests.support.graffiti_helpers import NOTHING_READABLE, jpeg, send_photo, wall_image
from tests.support.graffiti_helpers import send_location as send_place
from tests.support.recording_session import RecordingSession
from tests.support.telegram_ids import tg_id
from tests.support.triage_helpers import NUMBER, make_moderator

GROUP = -1_005_000_000_777
IN_GROUP: dict[str, Any] = {"chat_type": "supergroup", "chat_id": GROUP}
ABAY_DOSTYK = (43.2389, 76.9453)


@pytest.fixture
def settings(database_url: str) -> Settings:
    """The suite's settings with a moderators' group (the `client` fixture builds on them)."""
    return Settings(
        telegram={"token": TEST_TOKEN},
        database={"url": database_url},
        access={"admins": [ADMIN_ID]},
        moderation={"chat_id": GROUP},
    )


def test_words_are_the_text_without_its_links() -> None:
    assert words_of("t.me/only_links https://shop.kz/x @handle_only") is None
    assert words_of(None) is None
    assert words_of("   ") is None
    said = "Видела  на остановке\n(t.me/stop_shop), продают соль; hxxps://mirror[.]kz тоже"
    assert words_of(said) == "Видела на остановке продают соль; тоже"
    # A text link's anchor is the volunteer's wording; an url entity's text is the link.
    text_link = "вот этот магазин и ещё https://x.kz"
    spans = [
        LinkSpan(start=4, end=16, value="https://t.me/anchor_shop"),
        LinkSpan(start=23, end=35, value="https://x.kz"),
    ]
    assert words_of(text_link, spans) == "вот этот магазин и ещё"
    assert len(words_of("слово " * 200) or "") == WORDS_KEPT


def _received(session: RecordingSession, user: BotClient) -> str:
    """Everything the bot sent or edited into this user's private chat, in one string."""
    return "\n".join(texts(session.requests, user.user_id))


def _card(requests: list[TelegramMethod[Any]]) -> str:
    return "\n".join(message_text(r) for r in requests if getattr(r, "chat_id", 0) == GROUP)


async def test_moderators_read_the_words_and_no_volunteer_reads_anothers(
    client: BotClient, fake_session: RecordingSession, db: AsyncSession
) -> None:
    first = client.as_user(tg_id(91001), first_name="Aigerim", username="aigerim_secret")
    second = client.as_user(tg_id(91002), first_name="Timur", username="timur_secret")
    reply = text(await first.send("Видела на остановке t.me/words_shop, продают соль"))
    number = int(NUMBER.findall(reply)[0])
    # A confirmation keeps its sender's own words on its own sighting; markup stays text.
    await second.send("https://t.me/words_shop тоже тут <b>реклама</b> & закладки")
    await first.send("t.me/words_shop")  # a repeat with no words keeps the first ones
    await second.send("t.me/other_words_shop")  # links only: no words at all

    moderator = await make_moderator(client, tg_id(91003))
    card = _card(await moderator.send("/queue", **IN_GROUP))
    assert f"<b>#{number}</b>" in card
    newest, oldest = (
        "«тоже тут &lt;b&gt;реклама&lt;/b&gt; &amp; закладки»",
        "«Видела на остановке продают соль»",
    )
    assert newest in card
    assert oldest in card
    assert card.index(newest) < card.index(oldest)
    group_report = text(await moderator.send(f"/report {number}", **IN_GROUP), GROUP)
    assert newest in group_report
    assert oldest in group_report
    for secret in ("Aigerim", "aigerim_secret", "Timur", "timur_secret"):
        assert secret not in card
        assert secret not in group_report
    for user in (first, second):
        assert str(user.user_id) not in card + group_report
    # Privately a moderator may see who reported it (the existing rule).
    private_report = text(await moderator.send(f"/report {number}"))
    assert "Aigerim" in private_report
    assert oldest in private_report

    # The volunteers go on: their own screens, then the moderator decides and they are told.
    for user in (first, second):
        await user.send("/my")
        await user.send("/mydata")
        await user.send("/stats")
        await user.send("/top")
    await moderator.send(f"/accept {number} sales", **IN_GROUP)

    mine, theirs = _received(fake_session, first), _received(fake_session, second)
    assert "Ваши слова, сохранённые с жалобами: 1" in mine
    assert "Ваши слова, сохранённые с жалобами: 1" in theirs
    for words in ("тоже тут", "реклама", "закладки", "Timur", "timur_secret"):
        assert words not in mine, words
    for words in ("Видела", "остановке", "соль", "Aigerim", "aigerim_secret"):
        assert words not in theirs, words
    assert str(second.user_id) not in mine
    assert str(first.user_id) not in theirs
    stored = (await db.exec(select(Sighting.words).order_by(col(Sighting.id)))).all()
    assert stored == [
        "Видела на остановке продают соль",
        "тоже тут <b>реклама</b> & закладки",
        None,
    ]


async def test_a_forwarded_posts_text_is_kept(client: BotClient) -> None:
    volunteer = client.as_user(tg_id(92001))
    origin = {
        "type": "channel",
        "date": 1_700_000_000,
        "chat": {"id": -1_001_234_567_890, "type": "channel", "username": "fwd_words_shop"},
        "message_id": 77,
    }
    reply = text(
        await volunteer.send("Доставка по Алматы, пишите @fwd_words_bot", forward_origin=origin)
    )
    numbers = [int(n) for n in NUMBER.findall(reply)]
    assert len(numbers) == 2
    moderator = await make_moderator(client, tg_id(92002))
    shown = text(await moderator.send(f"/report {numbers[0]}", **IN_GROUP), GROUP)
    assert "«Доставка по Алматы, пишите»" in shown


async def test_a_wall_photos_caption_is_kept_and_forget_me_erases_it(
    client: BotClient, db: AsyncSession
) -> None:
    painter = client.as_user(tg_id(93001))
    await send_photo(painter, jpeg(wall_image(931)), caption="На стене у школы №12, свежая")
    question = await send_place(painter, ABAY_DOSTYK)
    number = int(NUMBER.findall(text(await painter.press(question, NOTHING_READABLE)))[0])
    moderator = await make_moderator(client, tg_id(93002))
    quoted = "«На стене у школы №12, свежая»"
    assert quoted in text(await moderator.send(f"/report {number}", **IN_GROUP), GROUP)

    asked = await painter.send("/forget_me")
    await painter.press(asked, "Да, удалить мои данные")
    assert quoted not in text(await moderator.send(f"/report {number}", **IN_GROUP), GROUP)
    db.expire_all()
    [kept] = (await db.exec(select(Sighting))).all()
    assert (kept.words, kept.text_as_sent) == (None, "[photo]")
