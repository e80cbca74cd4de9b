from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.callbacks import LanguageChoice
from models.volunteer import Volunteer
from services import volunteers
from services.locales import LANGUAGE_NAMES, SUPPORTED_LOCALES


async def cmd_lang(message: Message) -> None:
    keyboard = InlineKeyboardBuilder()
    for code in SUPPORTED_LOCALES:
        keyboard.button(text=LANGUAGE_NAMES[code], callback_data=LanguageChoice(code=code))
    await message.answer(_("Choose your language:"), reply_markup=keyboard.as_markup())


async def on_language_chosen(
    query: CallbackQuery,
    callback_data: LanguageChoice,
    session: AsyncSession,
    volunteer: Volunteer,
    i18n: I18n,
) -> None:
    if callback_data.code not in SUPPORTED_LOCALES:
        await query.answer()
        return
    await volunteers.set_language(session, volunteer=volunteer, language=callback_data.code)
    with i18n.use_locale(callback_data.code):
        text = _("Language: {language}. Send me a link whenever you find one.").format(
            language=LANGUAGE_NAMES[callback_data.code]
        )
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_text(text)


def create_router() -> Router:
    router = Router(name="language")
    router.message.register(cmd_lang, Command("lang"))
    router.callback_query.register(on_language_chosen, LanguageChoice.filter())
    return router
