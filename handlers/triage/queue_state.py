"""A moderator's round of triage: the FSM states for typed input, skipped cards, the next card.

Shared by the card buttons (`queue`) and the typed input (`queue_input`) of this package.
"""

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.triage.card_message import Card
from services import queue_cards
from views.report_card import card_keyboard, render_card, suggested_district
from views.stale import strip_buttons

SKIP_KEY = "skip"
# The message of the card on screen: a new /queue takes that card's buttons away.
CARD_KEY = "shown_card"


class TriageInput(StatesGroup):
    reason = State()  # the next message is the reason for rejecting data["report_id"]
    duplicate_of = State()  # the next message is `#M` for data["report_id"]


async def skipped(state: FSMContext) -> list[int]:
    return list((await state.get_data()).get(SKIP_KEY, []))


async def next_card(
    session: AsyncSession, state: FSMContext, *, moderator_id: int, claim_minutes: int
) -> Card:
    """Claim and render the next card, or say that nothing is waiting."""
    skip = await skipped(state)
    found = await queue_cards.next_card(
        session, moderator_id=moderator_id, claim_minutes=claim_minutes, skip=skip
    )
    card = found.card
    if card is None:
        if found.skipped:
            text = _(
                "No other new reports are waiting. You skipped {count}: send /queue to see them "
                "again."
            ).format(count=found.skipped)
        else:
            text = _("The queue is empty: no new reports are waiting.")
        return Card(text + _claims_hint(found.open_claims))
    photo = card.photos[0].file_id if card.photos else None
    keyboard = card_keyboard(card.report_id, suggested_district(card))
    return Card(render_card(card), keyboard, photo)


async def remember_card(state: FSMContext, shown: Message) -> None:
    await state.update_data({CARD_KEY: [shown.chat.id, shown.message_id]})


async def forget_card(state: FSMContext, bot: Bot) -> None:
    """The card shown before loses its buttons: only the newest card is worked on."""
    shown = (await state.get_data()).get(CARD_KEY)
    if shown:
        await strip_buttons(bot, chat_id=shown[0], message_id=shown[1])
        await state.update_data({CARD_KEY: None})


def _claims_hint(waiting: int) -> str:
    """Volunteers' «after» photos wait in their own queue; say so where moderators look."""
    if not waiting:
        return ""
    return "\n" + _(
        "«After» photos waiting for confirmation: {count}. /claims",
        "«After» photos waiting for confirmation: {count}. /claims",
        waiting,
    ).format(count=waiting)
