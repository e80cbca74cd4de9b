"""/mydata shows a volunteer what the bot keeps about them; /forget_me erases it after a
confirmation button (services/personal_data.py says what erasing keeps and why).

The button carries the id of the row it would erase. After erasing, the same person's next
update registers a new, empty volunteer, so a second press (or a redelivered one) sees another
id and erases nothing more.
"""

from aiogram import Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.deps import Deps
from services.actor import Actor
from services.personal_data import forget, may_forget, personal_data
from services.roles import is_moderator
from views.personal_data import render_data


class ForgetMe(CallbackData, prefix="forget"):
    volunteer_id: int
    confirm: bool


async def cmd_mydata(message: Message, session: AsyncSession, actor: Actor) -> None:
    await message.answer(render_data(await personal_data(session, actor.id)))


def _confirm_keyboard(volunteer_id: int) -> InlineKeyboardMarkup:
    keyboard = InlineKeyboardBuilder()
    keyboard.button(
        text=_("Yes, erase my data"),
        callback_data=ForgetMe(volunteer_id=volunteer_id, confirm=True),
    )
    keyboard.button(
        text=_("No, keep it"), callback_data=ForgetMe(volunteer_id=volunteer_id, confirm=False)
    )
    keyboard.adjust(1)
    return keyboard.as_markup()


def _staff_refusal() -> str:
    return _(
        "Staff cannot erase their data while they hold a role: ask an administrator to revoke "
        "it first."
    )


async def cmd_forget_me(message: Message, actor: Actor, deps: Deps) -> None:
    if not may_forget(actor, is_staff=is_moderator(actor, deps.admin_ids)):
        await message.answer(_staff_refusal())
        return
    text = _(
        "Erase your data? I will forget your name, username, nickname and settings and take you "
        "off every board. The reports you sent stay, without your name, so their counts do not "
        "change. This cannot be undone."
    )
    await message.answer(text, reply_markup=_confirm_keyboard(actor.id))


async def on_forget_answer(
    query: CallbackQuery,
    callback_data: ForgetMe,
    *,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    deps: Deps,
) -> None:
    if callback_data.volunteer_id != actor.id:
        await query.answer(_("This question is no longer open."), show_alert=True)
        return
    if not callback_data.confirm:
        await query.answer()
        await _close(query, _("Nothing was erased."))
        return
    # The role is read again from the database: it may have changed since the question.
    if not may_forget(actor, is_staff=is_moderator(actor, deps.admin_ids)):
        await query.answer(_staff_refusal(), show_alert=True)
        return
    await forget(session, volunteer_id=actor.id)
    await state.clear()  # an unfinished conversation would belong to nobody
    await query.answer()
    await _close(
        query,
        _(
            "Done: your data is erased and you are off every board. If you write to me again, "
            "you start as a new volunteer."
        ),
    )


async def _close(query: CallbackQuery, text: str) -> None:
    """Replace the question, so its buttons cannot be pressed again."""
    if isinstance(query.message, Message):
        await query.message.edit_text(text)


def create_router() -> Router:
    router = Router(name="personal_data")
    router.message.register(cmd_mydata, Command("mydata"))
    router.message.register(cmd_forget_me, Command("forget_me"))
    router.callback_query.register(on_forget_answer, ForgetMe.filter())
    return router
