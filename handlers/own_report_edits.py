"""A volunteer's own new report: withdraw it (/withdraw N, or the button under /my N) or add a
note (/note N text, /note N, or the button, then the note as the next message).

While the bot waits for a note, whatever the volunteer sends is stored or refused with a
reason: links are reported as always (a note keeps none) and the bot keeps waiting; a photo
starts a graffiti report and ends the wait; another command ends it too.
"""

from aiogram import Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, CommandObject, Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.deps import Deps
from handlers.intake import render_result, submit_message_links
from handlers.message_links import message_links
from services.actor import Actor
from services.finder_notes import NOTE_MAX, add_note, clean_note, may_add_note
from services.own_sighting import Refused
from services.report_numbers import parse_number, parse_numbers
from services.withdrawals import withdraw
from views.callbacks import MyReportEdit, OwnEdit
from views.own_report_edits import (
    kept_text,
    note_cancelled,
    note_links_taken,
    note_prompt,
    note_refused,
    note_saved,
    note_too_long,
    note_usage,
    withdraw_question,
    withdraw_refused,
    withdraw_usage,
    withdrawn_text,
)

# FSM data: the report the next message is a note on.
NOTE_REPORT = "note_report"


class NoteInput(StatesGroup):
    text = State()


class TypedText(Filter):
    """Text the volunteer typed: a forwarded post is a report to read, never their note."""

    async def __call__(self, message: Message) -> bool:
        typed = message.text or ""
        return bool(typed) and not typed.startswith("/") and message.forward_origin is None


class TypedCommand(Filter):
    async def __call__(self, message: Message) -> bool:
        return (message.text or "").startswith("/")


async def _withdrawn_or_refused(session: AsyncSession, actor: Actor, number: int) -> str:
    result = await withdraw(session, volunteer_id=actor.id, report_id=number)
    return withdraw_refused(result) if isinstance(result, Refused) else withdrawn_text(result)


async def cmd_withdraw(
    message: Message, command: CommandObject, session: AsyncSession, actor: Actor
) -> None:
    # Typed with its number, the command is deliberate: no second question, unlike the button.
    number = parse_number(command.args or "")
    if number is None:
        await message.answer(withdraw_usage())
        return
    await message.answer(await _withdrawn_or_refused(session, actor, number))


async def cmd_note(
    message: Message,
    *,
    command: CommandObject,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    deps: Deps,
) -> None:
    numbers, rest = parse_numbers(command.args)
    if len(numbers) != 1:
        await message.answer(note_usage())
        return
    if not rest:
        await message.answer((await _ask_note(session, actor, state, numbers[0]))[0])
        return
    await _take_note(
        message, session=session, actor=actor, state=state, deps=deps, number=numbers[0], text=rest
    )


async def _ask_note(
    session: AsyncSession, actor: Actor, state: FSMContext, number: int
) -> tuple[str, bool]:
    """The question for the note (and the wait for it), or the refusal; True when asked."""
    found = await may_add_note(session, volunteer_id=actor.id, report_id=number)
    if isinstance(found, Refused):
        return note_refused(found), False
    await _wait_for_note(state, found)
    return note_prompt(found), True


async def _wait_for_note(state: FSMContext, number: int) -> None:
    await state.set_state(NoteInput.text)
    await state.update_data({NOTE_REPORT: number})


async def _take_note(
    message: Message,
    *,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    deps: Deps,
    number: int,
    text: str,
) -> None:
    """Save the note, or say why not; links are never swallowed by a note."""
    links = message_links(message)
    if links:
        result = await submit_message_links(
            message, session, actor, links, deps.max_links_per_message
        )
        await _wait_for_note(state, number)
        shown = render_result(result, deps.max_links_per_message)
        await message.reply(shown + "\n\n" + note_links_taken(number))
        return
    note = clean_note(text)
    if len(note) > NOTE_MAX:
        await _wait_for_note(state, number)
        await message.answer(note_too_long(len(note)))
        return
    await state.set_state(None)
    saved = await add_note(session, volunteer_id=actor.id, report_id=number, text=note)
    await message.answer(note_refused(saved) if isinstance(saved, Refused) else note_saved(saved))


async def on_note_text(
    message: Message, session: AsyncSession, actor: Actor, state: FSMContext, deps: Deps
) -> None:
    number = int((await state.get_data()).get(NOTE_REPORT, 0))
    await _take_note(
        message, session=session, actor=actor, state=state, deps=deps, number=number,
        text=message.text or "",
    )  # fmt: skip


async def cmd_cancel(message: Message, state: FSMContext) -> None:
    number = int((await state.get_data()).get(NOTE_REPORT, 0))
    await state.set_state(None)
    await message.answer(note_cancelled(number))


async def on_anything_else(_message: Message, state: FSMContext) -> None:
    """Another command, a photo, a location…: the wait ends and the message goes on to whoever
    takes it (a photo starts a graffiti report, whose answers must not be taken for a note)."""
    await state.set_state(None)
    raise SkipHandler()


async def on_edit_button(
    query: CallbackQuery,
    callback_data: MyReportEdit,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
) -> None:
    # The number comes from the button; the services act only on the presser's own sighting.
    number, message = callback_data.report_id, query.message
    if not isinstance(message, Message):
        await query.answer()
        return
    if callback_data.action is OwnEdit.WITHDRAW_ASK:
        text, keyboard = withdraw_question(number)
        await query.answer()
        await message.answer(text, reply_markup=keyboard)
    elif callback_data.action is OwnEdit.KEEP:
        await query.answer()
        await message.edit_text(kept_text(number))
    elif callback_data.action is OwnEdit.WITHDRAW:
        result = await withdraw(session, volunteer_id=actor.id, report_id=number)
        if isinstance(result, Refused):
            # A second press finds nothing of theirs left: it says so and changes nothing.
            await query.answer(withdraw_refused(result), show_alert=True)
            return
        await query.answer()
        await message.edit_text(withdrawn_text(result))
    else:
        prompt, asked = await _ask_note(session, actor, state, number)
        if not asked:
            await query.answer(prompt, show_alert=True)
            return
        await query.answer()
        await message.answer(prompt)


def create_router() -> Router:
    router = Router(name="own_report_edits")
    waiting = StateFilter(NoteInput.text)
    router.message.register(cmd_cancel, Command("cancel"), waiting)
    router.message.register(on_anything_else, waiting, TypedCommand())
    router.message.register(on_note_text, waiting, TypedText())
    router.message.register(on_anything_else, waiting)
    router.message.register(cmd_withdraw, Command("withdraw"))
    router.message.register(cmd_note, Command("note"))
    router.callback_query.register(on_edit_button, MyReportEdit.filter())
    return router
