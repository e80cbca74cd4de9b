"""Districts for the crews: /assign (asking which crew when a wall has no district), and the
moderator's one-tap confirmation (or change) of a wall's suggested district.

Inside the staff router: the role is read from the database for every press.
"""

import html
from collections.abc import Callable

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import District, ReportStatus
from services.actor import Actor
from services.graffiti import street
from services.lifecycle import Refused, TransitionResult
from services.report_numbers import numbers_and_words
from views.callbacks import AssignPick, WallDistrictPick
from views.graffiti import district_label, parse_district
from views.labels import status_label
from views.report_card import card_keyboard

# FSM data: the walls of the last /assign that had no district, waiting for the crew's.
ASSIGN_PENDING = "graffiti_assign_pending"


def refused_list(refused: list[Refused]) -> str:
    missing = _("no such graffiti")
    return ", ".join(
        f"#{r.report_id} ({status_label(r.status) if r.status else missing})" for r in refused[:50]
    )


def _assigned_lines(result: TransitionResult) -> list[str]:
    lines = []
    if result.changed:
        lines.append(
            _("Assigned to a crew: {numbers}.").format(
                numbers=", ".join(f"#{r.id}" for r in result.changed)
            )
        )
    if result.refused:
        lines.append(_("Not assigned: {reports}.").format(reports=refused_list(result.refused)))
    return lines


def _district_buttons(make: Callable[[District], CallbackData]) -> InlineKeyboardMarkup:
    keyboard = InlineKeyboardBuilder()
    for district in District:
        keyboard.button(text=district_label(district), callback_data=make(district))
    keyboard.adjust(2)
    return keyboard.as_markup()


async def cmd_assign(
    message: Message,
    *,
    command: CommandObject,
    session: AsyncSession,
    actor: Actor,
    i18n: I18n,
    state: FSMContext,
) -> None:
    numbers, rest = numbers_and_words(command.args)
    district = parse_district(" ".join(rest), i18n) if rest else None
    if not numbers or (rest and district is None):
        await message.answer(_("Use /assign N… district, for example /assign 12 15 Almaly."))
        return
    pending = [] if district is not None else await street.undistricted(session, numbers)
    ready = [number for number in numbers if number not in pending]
    lines = []
    if ready:
        result = await street.assign(
            session, report_ids=ready, district=district, actor_id=actor.id
        )
        lines += _assigned_lines(result)
    if not pending:
        await message.answer("\n".join(lines))
        return
    await state.update_data({ASSIGN_PENDING: pending})
    lines.append(
        _("{numbers}: no district is known. Which district's crew gets them?").format(
            numbers=", ".join(f"#{number}" for number in pending)
        )
    )
    await message.answer(
        "\n".join(lines), reply_markup=_district_buttons(lambda d: AssignPick(district=d.value))
    )


async def on_assign_pick(
    query: CallbackQuery,
    *,
    callback_data: AssignPick,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
) -> None:
    pending = (await state.get_data()).get(ASSIGN_PENDING) or []
    if not pending or callback_data.district not in set(District):
        await query.answer(_("This button is no longer valid."), show_alert=True)
        return
    district = District(callback_data.district)
    await state.update_data({ASSIGN_PENDING: None})
    result = await street.assign(session, report_ids=pending, district=district, actor_id=actor.id)
    await query.answer()
    text = "\n".join(_assigned_lines(result)) + " " + html.escape(district_label(district))
    if isinstance(query.message, Message):
        await query.message.edit_text(text, reply_markup=None)


async def on_wall_district(
    query: CallbackQuery, *, callback_data: WallDistrictPick, session: AsyncSession
) -> None:
    if not isinstance(query.message, Message):
        await query.answer()
        return
    if not callback_data.district:
        await query.answer()
        report_id = callback_data.report_id
        await query.message.edit_reply_markup(
            reply_markup=_district_buttons(
                lambda d: WallDistrictPick(report_id=report_id, district=d.value)
            )
        )
        return
    if callback_data.district not in set(District):
        await query.answer(_("This button is no longer valid."), show_alert=True)
        return
    district = District(callback_data.district)
    wall = await street.set_district(session, report_id=callback_data.report_id, district=district)
    if wall is None:
        await query.answer(_("This button is no longer valid."), show_alert=True)
        return
    await query.answer(
        _("#{id}: district {district}.").format(
            id=callback_data.report_id, district=district_label(district)
        )
    )
    report_status = await street.report_status(session, callback_data.report_id)
    keyboard = (
        card_keyboard(callback_data.report_id) if report_status == ReportStatus.NEW else None
    )
    await query.message.edit_reply_markup(reply_markup=keyboard)


def create_router() -> Router:
    router = Router(name="graffiti_districts")
    router.message.register(cmd_assign, Command("assign"))
    router.callback_query.register(on_assign_pick, AssignPick.filter())
    router.callback_query.register(on_wall_district, WallDistrictPick.filter())
    return router
