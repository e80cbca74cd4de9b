"""What a newcomer and a new staff member are told: /start, /help, the first language choice,
the command menus in the chosen language, and the notice that comes with a new role."""

from typing import Any

from aiogram import Bot
from aiogram.methods import EditMessageText, SendMessage, SetMyCommands, TelegramMethod
from aiogram.types import BotCommandScopeChat
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.commands import register_commands
from services.locales import LANGUAGE_NAMES
from tests.support.accounts import ADMIN_ID
from tests.support.client import BotClient, buttons, message_text, text
from tests.support.telegram_ids import tg_id

STREET_RULE = {
    "ru": "не трогайте и не раскапывайте закладки",
    "kk": "жасырылған затты (закладканы) ешқашан ұстамаңыз",
    "en": "never touch or dig for a stash",
}
PHOTO_HINT = {"ru": "фото стены", "kk": "қабырғаның суретін", "en": "photo of a wall"}
ONLINE_RULE = {
    "ru": "не пишите продавцам",
    "kk": "сатушыларға ешқашан жазбаңыз",
    "en": "never write to sellers",
}


def sent_to(requests: list[TelegramMethod[Any]], chat_id: int) -> list[str]:
    return [r.text for r in requests if isinstance(r, SendMessage) and r.chat_id == chat_id]


def menus(requests: list[TelegramMethod[Any]], chat_id: int) -> list[dict[str, str]]:
    return [
        {c.command: c.description for c in r.commands}
        for r in requests
        if isinstance(r, SetMyCommands)
        and isinstance(r.scope, BotCommandScopeChat)
        and r.scope.chat_id == chat_id
    ]


async def test_start_help_and_hint_name_photos_and_street_safety(client: BotClient) -> None:
    for offset, code in enumerate(("ru", "kk", "en")):
        volunteer = client.as_user(tg_id(70001) + offset, language_code=code)
        welcome = text(await volunteer.send("/start"))
        help_text = text(await volunteer.send("/help"))
        for shown in (welcome, help_text):
            assert STREET_RULE[code] in shown, (code, shown)
            assert ONLINE_RULE[code] in shown, (code, shown)
        assert "graffiti" in welcome or "граффити" in welcome
        assert "Kibernadzor" in welcome if code == "en" else "Кибернадзор" in welcome
        hint = text(await volunteer.send("nothing to see here"))
        assert PHOTO_HINT[code] in hint, (code, hint)


async def test_first_start_offers_three_languages_until_one_is_chosen(client: BotClient) -> None:
    newcomer = client.as_user(tg_id(70011), language_code="ru")
    [welcome] = await newcomer.send("/start")
    assert [label for label, _ in buttons(welcome)] == ["Русский", "Қазақша", "English"]
    assert "Здравствуйте" in message_text(welcome)

    chosen = await newcomer.press([welcome], "Қазақша")
    [edited] = [r for r in chosen if isinstance(r, EditMessageText)]
    assert "Сәлеметсіз бе" in message_text(edited)
    assert STREET_RULE["kk"] in message_text(edited)
    assert edited.reply_markup is None
    [menu] = menus(chosen, newcomer.user_id)
    assert menu["lang"] == "Тіл"

    [again] = await newcomer.send("/start")
    assert buttons(again) == []
    assert "Сәлеметсіз бе" in message_text(again)


async def test_lang_changes_the_staff_menu_language(client: BotClient) -> None:
    admin = client.as_user(ADMIN_ID, language_code="ru")
    await admin.send("/start")
    languages = await admin.send("/lang")
    chosen = await admin.press(languages, LANGUAGE_NAMES["en"])
    [menu] = menus(chosen, ADMIN_ID)
    assert menu["queue"] == "Next report to triage"
    assert menu["grant"].startswith("Make a moderator")
    chosen = await admin.press(languages, LANGUAGE_NAMES["kk"])
    [menu] = menus(chosen, ADMIN_ID)
    assert menu["lang"] == "Тіл"
    assert "queue" in menu


async def test_help_shows_staff_commands_to_staff_only(client: BotClient) -> None:
    volunteer = client.as_user(tg_id(70021), language_code="en")
    assert "/queue" not in text(await volunteer.send("/help"))
    admin_help = text(await client.as_user(ADMIN_ID, language_code="en").send("/help"))
    assert "/queue — Next report to triage" in admin_help
    assert "/grant — Make a moderator" in admin_help
    await client.as_user(ADMIN_ID).send(f"/grant {tg_id(70021)}")
    moderator_help = text(await volunteer.send("/help"))
    assert "/queue — Next report to triage" in moderator_help
    assert "/grant" not in moderator_help


async def test_new_moderator_is_told_in_their_language(client: BotClient) -> None:
    volunteer = client.as_user(tg_id(70031), language_code="kk")
    await volunteer.send("/start")
    granted = await client.as_user(ADMIN_ID).send(f"/grant {tg_id(70031)}")
    [notice] = sent_to(granted, volunteer.user_id)
    assert "модератор" in notice
    assert "/queue" in notice
    [menu] = menus(granted, volunteer.user_id)
    assert menu["lang"] == "Тіл"
    [reply] = sent_to(granted, ADMIN_ID)
    assert str(tg_id(70031)) in reply


async def test_new_curator_is_told(client: BotClient) -> None:
    curator = client.as_user(tg_id(70041), language_code="en")
    await curator.send("/start")
    admin = client.as_user(ADMIN_ID, language_code="en")
    created = text(await admin.send("/squad_add Medeu Lions"))
    code = created.split("<code>")[1].split("</code>")[0] if "<code>" in created else None
    assert code is not None, created
    made = await admin.send(f"/squad_curator {code} {tg_id(70041)}")
    [notice] = sent_to(made, curator.user_id)
    assert "You now curate the squad «Medeu Lions»" in notice
    assert f"/squad {code}" in notice
    assert "<b>Curators</b>" in text(await curator.send("/help"))
    assert "<b>Curators</b>" not in text(await client.as_user(tg_id(70042)).send("/help"))


async def test_a_notice_that_cannot_be_delivered_is_reported(client: BotClient) -> None:
    await client.as_user(tg_id(70051)).send("/start")
    client.session.fail_next("SendMessage", error_code=403, description="Forbidden: bot blocked")
    granted = await client.as_user(ADMIN_ID, language_code="en").send(f"/grant {tg_id(70051)}")
    [reply] = sent_to(granted, ADMIN_ID)
    assert "now a moderator" in reply
    assert "could not tell them" in reply


async def test_a_restart_keeps_staff_menus_in_the_chosen_language(
    client: BotClient, bot: Bot, i18n: I18n, session_maker: async_sessionmaker[AsyncSession]
) -> None:
    admin = client.as_user(ADMIN_ID, language_code="ru")
    await admin.send("/start")
    await admin.press(await admin.send("/lang"), LANGUAGE_NAMES["en"])
    moderator = client.as_user(tg_id(70061), language_code="ru")
    await moderator.send("/start")
    await admin.send(f"/grant {tg_id(70061)}")
    await moderator.press(await moderator.send("/lang"), LANGUAGE_NAMES["kk"])
    client.session.clear()

    await register_commands(bot, i18n, [ADMIN_ID], session_maker)
    [admin_menu] = menus(client.session.requests, ADMIN_ID)
    assert admin_menu["queue"] == "Next report to triage"
    assert "grant" in admin_menu
    [moderator_menu] = menus(client.session.requests, moderator.user_id)
    assert moderator_menu["lang"] == "Тіл"
    assert "queue" in moderator_menu
    assert "grant" not in moderator_menu


async def test_a_restart_keeps_a_senior_volunteers_menu_with_check(
    client: BotClient, bot: Bot, i18n: I18n, session_maker: async_sessionmaker[AsyncSession]
) -> None:
    senior = client.as_user(tg_id(70071), language_code="ru")
    await senior.send("/start")
    await client.as_user(ADMIN_ID, language_code="en").send(f"/grant_senior {tg_id(70071)}")
    await senior.press(await senior.send("/lang"), LANGUAGE_NAMES["kk"])
    client.session.clear()

    await register_commands(bot, i18n, [ADMIN_ID], session_maker)
    [senior_menu] = menus(client.session.requests, senior.user_id)
    assert senior_menu["lang"] == "Тіл"
    assert "check" in senior_menu
    assert "queue" not in senior_menu
