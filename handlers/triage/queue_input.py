"""Typed answers to a queue card: a rejection reason, or the `#M` a report duplicates.

The card stays where it was, above the moderator's typed text; so the result and the next card
come as a new message (the old card loses its buttons), keeping the next card in view.
"""

from aiogram import Bot, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.deps import Deps
from handlers.triage.card_message import send_card
from handlers.triage.queue_state import TriageInput, next_card, remember_card
from services import queue, triage
from services.actor import Actor
from services.report_numbers import parse_numbers
from services.triage import RefusalKind
from views.labels import numbers
from views.report_card import refusal_text
from views.stale import strip_buttons

_TARGET_REFUSALS = (
    RefusalKind.SAME_REPORT,
    RefusalKind.TARGET_MISSING,
    RefusalKind.TARGET_MERGED,
    RefusalKind.OTHER_KIND,  # the card is fine; the number names a report of the other kind
)


class TypedText(Filter):
    async def __call__(self, message: Message) -> bool:
        return bool(message.text) and not (message.text or "").startswith("/")


class TypedCommand(Filter):
    async def __call__(self, message: Message) -> bool:
        return (message.text or "").startswith("/")


async def _continue(
    message: Message,
    *,
    session: AsyncSession,
    state: FSMContext,
    bot: Bot,
    moderator: Actor,
    claim_minutes: int,
    done: str,
) -> None:
    """Leave the input state, strip the old card's buttons, send the result and the next card."""
    await _leave_input(message, state, bot)
    card = await next_card(session, state, moderator_id=moderator.id, claim_minutes=claim_minutes)
    await remember_card(state, await send_card(bot, message.chat.id, card.with_prefix(done)))


async def _leave_input(message: Message, state: FSMContext, bot: Bot) -> None:
    """End the typed input; the card it was about loses its buttons."""
    card_message = (await state.get_data()).get("card")
    await state.set_state(None)
    if card_message:
        await strip_buttons(bot, chat_id=message.chat.id, message_id=card_message)


async def _taken_by_other(message: Message, session: AsyncSession, report_id: int,
                          moderator: Actor) -> bool:  # fmt: skip
    if await queue.held_by_other(session, report_id=report_id, moderator_id=moderator.id):
        await message.answer(_("Another moderator is looking at #{id} now.").format(id=report_id))
        return True
    return False


async def on_reason(
    message: Message,
    *,
    session: AsyncSession,
    state: FSMContext,
    bot: Bot,
    actor: Actor,
    deps: Deps,
) -> None:
    report_id = int((await state.get_data()).get("report_id", 0))
    if await _taken_by_other(message, session, report_id, actor):
        await _leave_input(message, state, bot)
        return
    result = await triage.reject(
        session, report_ids=[report_id], reason=message.text, actor_id=actor.id
    )
    if result.refused:
        done = "✗ " + refusal_text(result.refused[0])
    else:
        done = "✓ " + _("#{id} rejected.").format(id=report_id)
    await _continue(
        message, session=session, state=state, bot=bot, moderator=actor,
        claim_minutes=deps.claim_minutes, done=done,
    )  # fmt: skip


async def on_duplicate_of(
    message: Message,
    *,
    session: AsyncSession,
    state: FSMContext,
    bot: Bot,
    actor: Actor,
    deps: Deps,
) -> None:
    report_id = int((await state.get_data()).get("report_id", 0))
    into, rest = parse_numbers(message.text)
    if len(into) != 1 or rest:
        await message.answer(_("Send one report number, like #12, or /cancel."))
        return
    if await _taken_by_other(message, session, report_id, actor):
        await _leave_input(message, state, bot)
        return
    result = await triage.merge(
        session, source_ids=[report_id], into_id=into[0], actor_id=actor.id
    )
    if result.refused and result.refused[0].kind in _TARGET_REFUSALS:
        # The number was wrong, not the card: let the moderator try another one.
        await message.answer(
            refusal_text(result.refused[0]) + "\n" + _("Send another number, or /cancel.")
        )
        return
    if result.refused:
        done = "✗ " + refusal_text(result.refused[0])
    else:
        done = "✓ " + _("{numbers} merged into #{id}.").format(
            numbers=numbers(result.changed), id=into[0]
        )
    await _continue(
        message, session=session, state=state, bot=bot, moderator=actor,
        claim_minutes=deps.claim_minutes, done=done,
    )  # fmt: skip


async def cmd_cancel(
    message: Message,
    *,
    session: AsyncSession,
    state: FSMContext,
    bot: Bot,
    actor: Actor,
    deps: Deps,
) -> None:
    done = _("Cancelled.")
    await _continue(
        message, session=session, state=state, bot=bot, moderator=actor,
        claim_minutes=deps.claim_minutes, done=done,
    )  # fmt: skip


async def on_other_command(_message: Message, state: FSMContext) -> None:
    """Another command ends the typed input, so later text is not mistaken for a reason."""
    await state.set_state(None)
    raise SkipHandler()


def create_router() -> Router:
    router = Router(name="queue_input")
    waiting = StateFilter(TriageInput.reason, TriageInput.duplicate_of)
    # Only while waiting: otherwise /cancel belongs to the graffiti conversation.
    router.message.register(cmd_cancel, Command("cancel"), waiting)
    router.message.register(on_other_command, waiting, TypedCommand())
    router.message.register(on_reason, StateFilter(TriageInput.reason), TypedText())
    router.message.register(on_duplicate_of, StateFilter(TriageInput.duplicate_of), TypedText())
    return router
