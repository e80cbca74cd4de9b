"""/lang, and the three language buttons under a new volunteer's first welcome."""

from collections.abc import Callable
from typing import Any

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.deps import Deps
from services import volunteers
from services.actor import Actor
from services.locales import LANGUAGE_NAMES, SUPPORTED_LOCALES
from services.roles import is_admin, is_moderator, is_senior
from views.callbacks import LanguageChoice, WelcomeLanguage
from views.menu import set_menu_for
from views.start import welcome_text


def language_keyboard(*, welcome: bool = False) -> InlineKeyboardMarkup:
    keyboard = InlineKeyboardBuilder()
    for code in SUPPORTED_LOCALES:
        data = WelcomeLanguage(code=code) if welcome else LanguageChoice(code=code)
        keyboard.button(text=LANGUAGE_NAMES[code], callback_data=data)
    return keyboard.as_markup()


async def cmd_lang(message: Message) -> None:
    await message.answer(_("Choose your language:"), reply_markup=language_keyboard())


async def _choose(
    query: CallbackQuery,
    code: str,
    render: Callable[[], str],
    *,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
    i18n: I18n,
    deps: Deps,
) -> None:
    """Store the choice, give the command menu the same language (the staff menu too) and
    replace the buttons' message with `render()` in the new language."""
    if code not in SUPPORTED_LOCALES:
        await query.answer()
        return
    await volunteers.set_language(session, volunteer_id=actor.id, language=code)
    await set_menu_for(
        bot,
        i18n,
        chat_id=actor.telegram_id,
        locale=code,
        moderator=is_moderator(actor, deps.admin_ids),
        admin=is_admin(actor, deps.admin_ids),
        senior=is_senior(actor),
    )
    with i18n.use_locale(code):
        text = render()
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_text(text)


async def on_language_chosen(
    query: CallbackQuery, callback_data: LanguageChoice, **data: Any
) -> None:
    def confirmation() -> str:
        return _("Language: {language}. Send me a link whenever you find one.").format(
            language=LANGUAGE_NAMES[callback_data.code]
        )

    await _choose(query, callback_data.code, confirmation, **_needed(data))


async def on_welcome_language(
    query: CallbackQuery, callback_data: WelcomeLanguage, **data: Any
) -> None:
    # The welcome again, now in the chosen language, and without the buttons: the choice is made.
    await _choose(query, callback_data.code, welcome_text, **_needed(data))


def _needed(data: dict[str, Any]) -> dict[str, Any]:
    return {key: data[key] for key in ("session", "actor", "bot", "i18n", "deps")}


def create_router() -> Router:
    router = Router(name="language")
    router.message.register(cmd_lang, Command("lang"))
    router.callback_query.register(on_language_chosen, LanguageChoice.filter())
    router.callback_query.register(on_welcome_language, WelcomeLanguage.filter())
    return router
