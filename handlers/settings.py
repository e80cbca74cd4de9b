"""/settings: a volunteer turns outcome notices and the personal weekly message on or off.

A button carries the wanted value, not "toggle", so a double tap cannot flip it back; it acts on
whoever presses it (the actor read from the database for this update), never on an id.
"""

from aiogram import Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from models.volunteer import Volunteer
from services import volunteers
from services.actor import Actor
from services.preferences import Preference, is_enabled, set_preference


class SettingChoice(CallbackData, prefix="settings"):
    preference: Preference
    enabled: bool


def _describe(volunteer: Volunteer) -> list[str]:
    if is_enabled(volunteer, Preference.NOTICES):
        notices = _(
            "🔔 Notices about your reports: <b>on</b>. I tell you when a report you sent is "
            "accepted or rejected, and when it is blocked or painted over."
        )
    else:
        notices = _(
            "🔕 Notices about your reports: <b>off</b>. Every report's status is still in /my."
        )
    # The same words as /privacy, which switches the same message.
    if is_enabled(volunteer, Preference.DIGEST):
        digest = _("Personal weekly message: on.")
    else:
        digest = _("Personal weekly message: off.")
    return [notices, "📊 " + digest]


def render_settings(volunteer: Volunteer) -> tuple[str, InlineKeyboardMarkup]:
    keyboard = InlineKeyboardBuilder()
    notices_on = is_enabled(volunteer, Preference.NOTICES)
    digest_on = is_enabled(volunteer, Preference.DIGEST)
    keyboard.button(
        text=_("Turn notices off") if notices_on else _("Turn notices on"),
        callback_data=SettingChoice(preference=Preference.NOTICES, enabled=not notices_on),
    )
    keyboard.button(
        text=_("Turn the weekly message off") if digest_on else _("Turn the weekly message on"),
        callback_data=SettingChoice(preference=Preference.DIGEST, enabled=not digest_on),
    )
    keyboard.adjust(1)
    text = "\n\n".join([_("<b>Settings</b>"), *_describe(volunteer)])
    return text, keyboard.as_markup()


async def cmd_settings(message: Message, session: AsyncSession, actor: Actor) -> None:
    text, markup = render_settings(await volunteers.load(session, actor.id))
    await message.answer(text, reply_markup=markup)


async def on_setting_chosen(
    query: CallbackQuery, callback_data: SettingChoice, session: AsyncSession, actor: Actor
) -> None:
    volunteer = await set_preference(
        session,
        volunteer_id=actor.id,
        preference=callback_data.preference,
        enabled=callback_data.enabled,
    )
    await query.answer(_("Saved."))
    if isinstance(query.message, Message):
        text, markup = render_settings(volunteer)
        await query.message.edit_text(text, reply_markup=markup)


def create_router() -> Router:
    router = Router(name="settings")
    router.message.register(cmd_settings, Command("settings"))
    router.callback_query.register(on_setting_chosen, SettingChoice.filter())
    return router
