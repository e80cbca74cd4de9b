"""Senior volunteers: /check shows one new report at a time with three buttons; each vote
shows the next card in place. Administrators: /seniors, each senior's agreement.

The router is gated by the role read from the database for every update (SeniorOnly); a press
by someone no longer senior falls through to `create_refusals`, which says so and records
nothing. Button data names only the report and the choice: the vote re-reads both.
"""

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.deps import Deps
from handlers.filters import AdminOnly, SeniorOnly
from services import senior_votes
from services.actor import Actor
from services.senior_agreement import seniors_overview
from services.senior_votes import VoteResult
from views.callbacks import SeniorVote
from views.menu import SENIOR_COMMANDS, command_names
from views.seniors import (
    check_card_text,
    check_keyboard,
    not_senior_any_more,
    nothing_to_check,
    seniors_list,
    seniors_only,
    vote_answer,
)
from views.stale import strip_pressed


async def _next(session: AsyncSession, senior_id: int) -> tuple[str, InlineKeyboardMarkup | None]:
    card = await senior_votes.next_for_senior(session, senior_id=senior_id)
    if card is None:
        return nothing_to_check(), None
    return check_card_text(card), check_keyboard(card.report_id)


async def cmd_check(message: Message, session: AsyncSession, actor: Actor) -> None:
    text, keyboard = await _next(session, actor.id)
    await message.answer(text, reply_markup=keyboard)


async def on_vote(
    query: CallbackQuery,
    *,
    callback_data: SeniorVote,
    session: AsyncSession,
    actor: Actor,
    deps: Deps,
    bot: Bot,
) -> None:
    result = await senior_votes.cast_vote(
        session,
        senior_id=actor.id,
        report_id=callback_data.report_id,
        choice=callback_data.choice,
        rule=deps.senior_rule,
    )
    if result is VoteResult.NOT_SENIOR:
        # The role went between the router's check and the vote's transaction.
        await on_vote_refused(query, bot)
        return
    await query.answer(
        vote_answer(result, callback_data.report_id), show_alert=result is VoteResult.CLOSED
    )
    if not isinstance(query.message, Message):
        return
    text, keyboard = await _next(session, actor.id)
    # A second press of the same card renders the same next card: bot/unchanged_edits.py.
    await query.message.edit_text(text, reply_markup=keyboard)


async def cmd_seniors(message: Message, session: AsyncSession, deps: Deps) -> None:
    lines = await seniors_overview(session, deps.senior_rule)
    await message.answer(seniors_list(lines, deps.senior_rule))


async def on_check_refused(message: Message) -> None:
    await message.answer(seniors_only())


async def on_vote_refused(query: CallbackQuery, bot: Bot) -> None:
    await query.answer(not_senior_any_more(), show_alert=True)
    await strip_pressed(query, bot)


def create_router() -> Router:
    router = Router(name="seniors")
    router.message.filter(SeniorOnly())
    router.callback_query.filter(SeniorOnly())
    router.message.register(cmd_check, Command(*command_names(SENIOR_COMMANDS)))
    router.callback_query.register(on_vote, SeniorVote.filter())
    return router


def create_admin_router() -> Router:
    router = Router(name="seniors_admin")
    router.message.filter(AdminOnly())
    router.message.register(cmd_seniors, Command("seniors"))
    return router


def create_refusals() -> Router:
    """For everyone the senior router did not take: /check and old vote buttons."""
    router = Router(name="seniors_refusals")
    router.message.register(on_check_refused, Command(*command_names(SENIOR_COMMANDS)))
    router.callback_query.register(on_vote_refused, SeniorVote.filter())
    return router
