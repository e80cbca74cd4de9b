"""/privacy: choose a nickname for the boards, hide again, switch the personal weekly message."""

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from services import privacy, volunteers
from services.actor import Actor
from services.preferences import Preference, set_preference
from views.privacy import PrivacyChoice, nickname_problem, render_privacy


async def cmd_privacy(
    message: Message, command: CommandObject, session: AsyncSession, actor: Actor, bot: Bot
) -> None:
    if command.args:
        me = await bot.me()
        problem = await privacy.show_as(
            session,
            volunteer_id=actor.id,
            nickname=command.args,
            reserved=[me.first_name, me.username or ""],
        )
        if problem is not None:
            await message.answer(nickname_problem(problem))
            return
    text, keyboard = render_privacy(await volunteers.load(session, actor.id))
    await message.answer(text, reply_markup=keyboard)


async def on_privacy_choice(
    query: CallbackQuery,
    callback_data: PrivacyChoice,
    session: AsyncSession,
    actor: Actor,
) -> None:
    # The button only ever changes the presser's own settings, so no other check is needed.
    if callback_data.action == "hide":
        await privacy.hide(session, volunteer_id=actor.id)
    elif callback_data.action in ("digest_on", "digest_off"):
        await set_preference(
            session,
            volunteer_id=actor.id,
            preference=Preference.DIGEST,
            enabled=callback_data.action == "digest_on",
        )
    await query.answer(_("Saved."))
    text, keyboard = render_privacy(await volunteers.load(session, actor.id))
    if isinstance(query.message, Message):
        await query.message.edit_text(text, reply_markup=keyboard)


def create_router() -> Router:
    router = Router(name="privacy")
    router.message.register(cmd_privacy, Command("privacy"))
    router.callback_query.register(on_privacy_choice, PrivacyChoice.filter())
    return router
