"""/lang, /my, /stats, /help as a volunteer sees them."""

from aiogram.methods import EditMessageText, SendMessage
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.volunteer import Volunteer
from tests.support.client import BotClient, buttons, message_text, text, texts
from tests.support.telegram_ids import tg_id


async def test_language_follows_telegram_then_choice(client: BotClient, db: AsyncSession) -> None:
    kazakh = client.as_user(2001, language_code="kk")
    assert "сілтеме" in text(await kazakh.send("сәлем")).lower()
    english = client.as_user(2002, language_code="en-GB")
    assert "no link" in text(await english.send("hello"))
    unknown = client.as_user(2003, language_code="de")
    assert "ссылк" in text(await unknown.send("hallo")).lower()

    [menu] = await unknown.send("/lang")
    assert [label for label, _ in buttons(menu)] == ["Русский", "Қазақша", "English"]
    edited = await unknown.press([menu], "English")
    assert any(isinstance(r, EditMessageText) and "English" in message_text(r) for r in edited)
    assert "no link" in text(await unknown.send("hallo"))
    stored = (await db.exec(select(Volunteer).where(Volunteer.telegram_id == tg_id(2003)))).one()
    assert stored.language == "en"


async def test_forged_language_code_changes_nothing(client: BotClient, db: AsyncSession) -> None:
    await client.send("/start")
    [menu] = await client.send("/lang")
    forged = await client.forge_press("lang:xx", message_id=client.message_id_of(menu))
    assert texts(forged) == []
    volunteer = (await db.exec(select(Volunteer))).one()
    assert volunteer.language is None


async def test_my_lists_newest_first_and_pages(client: BotClient) -> None:
    empty = text(await client.send("/my"))
    assert "ещё не" in empty
    for index in range(12):
        await client.send(f"t.me/page_shop_{index:02d}")
    [first_page] = [r for r in await client.send("/my") if isinstance(r, SendMessage)]
    assert first_page.text.index("page_shop_11") < first_page.text.index("page_shop_02")
    assert "page_shop_01" not in first_page.text
    # A button per report shown, then the way to older ones.
    labels = [label for label, _data in buttons(first_page)]
    assert len(labels) == 11
    assert "»" in labels[-1]
    second = await client.press([first_page], "»")
    [edited] = [r for r in second if isinstance(r, EditMessageText)]
    assert "page_shop_00" in message_text(edited)
    assert "page_shop_05" not in message_text(edited)
    assert "2" in message_text(edited)


async def test_my_page_button_never_shows_someone_elses_reports(client: BotClient) -> None:
    await client.send("t.me/secret_find")
    stranger = client.as_user(3001)
    for index in range(11):
        await stranger.send(f"t.me/stranger_shop_{index:02d}")
    [mine] = await client.send("/my")
    # A page number the owner never had, on the owner's own list.
    shown = await client.forge_press("my:1", message_id=client.message_id_of(mine))
    assert all("stranger_shop" not in (getattr(r, "text", None) or "") for r in shown)
    assert any("secret_find" in shown_text for shown_text in texts(shown))


async def test_stats_counts_finds_and_confirmations(client: BotClient) -> None:
    await client.send("t.me/first_find_a t.me/first_find_b")
    other = client.as_user(3002, language_code="en")
    await other.send("t.me/first_find_a t.me/own_find")
    reply = text(await other.send("/stats"))
    assert "Links sent: 2" in reply
    assert "Targets you found first: 1" in reply
    assert "Confirmations of others' finds: 1" in reply
    assert "new, waiting for a moderator: 2" in reply


async def test_help_in_each_language(client: BotClient) -> None:
    cases = [(4001, "ru", "Что присылать"), (4002, "kk", "Не жіберу"), (4003, "en", "What")]
    for user_id, code, word in cases:
        reply = text(await client.as_user(user_id, language_code=code).send("/help"))
        assert word in reply, (code, reply)


async def test_group_commands_point_to_private_chat(client: BotClient) -> None:
    reply = text(await client.send("/start", chat_type="supergroup", chat_id=-100777))
    assert "личн" in reply.lower()
