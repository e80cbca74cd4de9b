"""/queue: one `new` report at a time as a card with buttons; the next card replaces it.

The card is claimed for the moderator who sees it (services.queue). Button data names only the
report: every press re-reads the report, and the staff router has already re-read the role.
Skipped cards are kept in the moderator's FSM data so they do not come straight back; /queue
starts a fresh round in which they may.
"""

from collections.abc import Awaitable, Callable

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.deps import Deps
from handlers.triage import queue_input
from handlers.triage.card_message import replace_card, send_card
from handlers.triage.queue_state import (
    SKIP_KEY,
    TriageInput,
    forget_card,
    next_card,
    remember_card,
    skipped,
)
from models.enums import Category
from services import queue, queue_cards, triage
from services.actor import Actor
from services.report_view import load_card
from services.triage import RefusalKind
from views.callbacks import TriageAction, TriageCard
from views.labels import category_label, note_label
from views.report_card import (
    REJECT_REASONS,
    card_keyboard,
    category_keyboard,
    reason_keyboard,
    refusal_text,
    suggested_district,
)


async def cmd_queue(
    message: Message,
    *,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    deps: Deps,
    bot: Bot,
) -> None:
    # A new round: skipped cards may come again. Other features' FSM data stays untouched.
    if await state.get_state() in {TriageInput.reason.state, TriageInput.duplicate_of.state}:
        await state.set_state(None)
    await state.update_data({SKIP_KEY: []})
    await forget_card(state, bot)
    card = await next_card(session, state, moderator_id=actor.id, claim_minutes=deps.claim_minutes)
    await remember_card(state, await send_card(bot, message.chat.id, card))


class CardPress:
    """One press of a card button, with what every action needs to answer it."""

    def __init__(
        self,
        *,
        query: CallbackQuery,
        data: TriageCard,
        session: AsyncSession,
        moderator: Actor,
        state: FSMContext,
        claim_minutes: int,
        bot: Bot,
    ) -> None:
        self.query, self.data, self.session, self.state = query, data, session, state
        self.bot = bot
        self.report_id = data.report_id
        self.moderator_id = moderator.id
        self.claim_minutes = claim_minutes

    async def show_next(self, done: str | None = None) -> None:
        card = await next_card(
            self.session, self.state, moderator_id=self.moderator_id,
            claim_minutes=self.claim_minutes,
        )  # fmt: skip
        card = card.with_prefix(f"✓ {done}" if done else None)
        shown = await replace_card(self.query, self.bot, card)
        if shown is not None:
            await remember_card(self.state, shown)

    async def refuse(self, text: str) -> None:
        await self.query.answer(text, show_alert=True)
        await self.show_next()

    async def still_open(self) -> bool:
        """The report is still `new` and nobody else holds it; otherwise refuse and move on."""
        refusal = await queue_cards.check_open(
            self.session, report_id=self.report_id, moderator_id=self.moderator_id
        )
        if refusal is None:
            return True
        if refusal.kind is RefusalKind.HELD:
            await self.refuse(
                _("Another moderator is looking at #{id} now.").format(id=self.report_id)
            )
        else:
            await self.refuse(refusal_text(refusal))
        return False

    async def finish(self, result: triage.BulkResult, done: str) -> None:
        if result.refused:
            await self.refuse(refusal_text(result.refused[0]))
            return
        await self.query.answer(done)
        await self.show_next(done)


async def _show_keyboard(press: CardPress, keyboard: InlineKeyboardMarkup) -> None:
    await press.query.answer()
    if not isinstance(press.query.message, Message):
        return
    await press.query.message.edit_reply_markup(reply_markup=keyboard)


async def _accept(press: CardPress) -> None:
    await _show_keyboard(press, category_keyboard(press.report_id))


async def _category(press: CardPress) -> None:
    try:
        category = Category(press.data.value)
    except ValueError:
        await press.query.answer(_("This button is no longer valid."), show_alert=True)
        return
    result = await triage.accept(
        press.session, report_ids=[press.report_id], category=category,
        actor_id=press.moderator_id,
    )  # fmt: skip
    await press.finish(
        result,
        _("#{id} accepted: {category}.").format(
            id=press.report_id, category=category_label(category)
        ),
    )


async def _reject(press: CardPress) -> None:
    await _show_keyboard(press, reason_keyboard(press.report_id))


async def _reason(press: CardPress) -> None:
    preset = REJECT_REASONS.get(press.data.value)
    if preset is None:
        await press.query.answer(_("This button is no longer valid."), show_alert=True)
        return
    result = await triage.reject(
        press.session, report_ids=[press.report_id], preset=preset, actor_id=press.moderator_id
    )
    await press.finish(
        result,
        _("#{id} rejected: {reason}.").format(id=press.report_id, reason=note_label(preset)),
    )


async def _ask(press: CardPress, state: State, prompt: str) -> None:
    card_message = press.query.message.message_id if press.query.message else 0
    await press.state.set_state(state)
    await press.state.update_data(report_id=press.report_id, card=card_message)
    await press.query.answer()
    if isinstance(press.query.message, Message):
        await press.query.message.answer(prompt)


async def _type_reason(press: CardPress) -> None:
    prompt = _("Type the reason for rejecting #{id}, or /cancel.")
    await _ask(press, TriageInput.reason, prompt.format(id=press.report_id))


async def _duplicate(press: CardPress) -> None:
    prompt = _("#{id} duplicates which report? Send its number, like #12, or /cancel.")
    await _ask(press, TriageInput.duplicate_of, prompt.format(id=press.report_id))


async def _pass(press: CardPress) -> None:
    """Skip and Not sure: the card goes back to the pool, but not straight back to this one."""
    await queue.release(press.session, report_id=press.report_id, moderator_id=press.moderator_id)
    skip = await skipped(press.state)
    await press.state.update_data({SKIP_KEY: [*skip, press.report_id]})
    if press.data.action == TriageAction.UNSURE:
        done = _("#{id} is left for another moderator.").format(id=press.report_id)
    else:
        done = _("#{id} skipped.").format(id=press.report_id)
    await press.query.answer(done)
    await press.show_next()


async def _back(press: CardPress) -> None:
    card = await load_card(press.session, press.report_id)
    suggested = suggested_district(card) if card is not None else None
    await _show_keyboard(press, card_keyboard(press.report_id, suggested))


_ACTIONS: dict[TriageAction, Callable[[CardPress], Awaitable[None]]] = {
    TriageAction.ACCEPT: _accept,
    TriageAction.CATEGORY: _category,
    TriageAction.REJECT: _reject,
    TriageAction.REASON: _reason,
    TriageAction.TYPE_REASON: _type_reason,
    TriageAction.DUPLICATE: _duplicate,
    TriageAction.BACK: _back,
}


async def on_triage_action(
    query: CallbackQuery,
    *,
    callback_data: TriageCard,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    deps: Deps,
    bot: Bot,
) -> None:
    press = CardPress(
        query=query, data=callback_data, session=session, moderator=actor, state=state,
        claim_minutes=deps.claim_minutes, bot=bot,
    )  # fmt: skip
    if callback_data.action in (TriageAction.SKIP, TriageAction.UNSURE):
        await _pass(press)
        return
    if await press.still_open():
        await _ACTIONS[callback_data.action](press)


def create_router() -> Router:
    router = Router(name="queue")
    router.message.register(cmd_queue, Command("queue"))
    router.callback_query.register(on_triage_action, TriageCard.filter())
    router.include_router(queue_input.create_router())
    return router
