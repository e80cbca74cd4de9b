"""Moderators judge volunteers' «after» photos: /claims, then Confirm / Reject on each card.

The router sits inside the staff router, so every press is checked against the role read from
the database, whatever the button says; the claim itself is re-read and may have been decided
by another moderator meanwhile.
"""

from html import escape

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.photo_album import labelled, send_album
from models.base import saved_id
from services.actor import Actor
from services.graffiti import claims
from services.graffiti.claim_view import ClaimCardView, claim_card
from services.graffiti.claims import Decision, DecisionOutcome
from services.report_photos import PhotoKind, ReportPhoto
from views.callbacks import ClaimAction, ClaimCard
from views.graffiti import place_label
from views.labels import fit_lines, status_label


def _keyboard(claim_id: int) -> InlineKeyboardMarkup:
    keyboard = InlineKeyboardBuilder()
    for text, action in [
        ("✅ " + _("Confirm: painted over"), ClaimAction.CONFIRM),
        ("❌ " + _("Reject"), ClaimAction.REJECT),
        ("⏭ " + _("Next"), ClaimAction.NEXT),
    ]:
        keyboard.button(text=text, callback_data=ClaimCard(action=action, claim_id=claim_id))
    keyboard.adjust(2, 1)
    return keyboard.as_markup()


def render_claim(card: ClaimCardView) -> str:
    lines = [
        "<b>#{id}</b> · {what}".format(id=card.report_id, what=_("«after» photo to check")),
        _("Status: {status}").format(status=status_label(card.status)),
    ]
    if card.wall is not None and card.wall.place:
        lines.append(_("Place: {place}").format(place=place_label(card.wall)))
    lines.append(
        _("Photos above: before, then {count} after.").format(count=len(card.after_file_ids))
    )
    for person in card.claimants:
        name = escape(person.first_name) or "—"
        if person.username:
            name += f" @{escape(person.username)}"
        line = _("Sent by: {name}").format(name=f"{name} · <code>{person.telegram_id}</code>")
        if person.is_finder:
            line += " · ⚠️ " + _("found this wall: closing it raises their points")
        elif person.reported_it:
            line += " · ⚠️ " + _("reported this wall: closing it raises their points")
        lines.append(line)
    return fit_lines(lines)


async def show_claim(bot: Bot, session: AsyncSession, chat_id: int, *, after_id: int = 0) -> bool:
    """The next open claim as an album (before, after…) and a card; False when none waits."""
    while (claim := await claims.next_open_claim(session, after_id=after_id)) is not None:
        card = await claim_card(session, claim)
        after_id = saved_id(claim)
        if card is None:
            continue
        photos = [ReportPhoto(card.before_file_id, PhotoKind.BEFORE)]
        photos += [ReportPhoto(file_id, PhotoKind.AFTER) for file_id in card.after_file_ids]
        await send_album(bot, chat_id, labelled(photos, card.report_id))
        await bot.send_message(chat_id, render_claim(card), reply_markup=_keyboard(card.claim_id))
        return True
    return False


async def cmd_claims(message: Message, session: AsyncSession, bot: Bot) -> None:
    if not await show_claim(bot, session, message.chat.id):
        await message.answer(_("No «after» photos wait for confirmation."))


def decision_text(decision: Decision) -> str:
    number = decision.report_id
    status = status_label(decision.status) if decision.status else ""
    if decision.outcome is DecisionOutcome.CONFIRMED:
        return _("#{id} is marked as painted over. The reporters will hear of it.").format(
            id=number
        )
    if decision.outcome is DecisionOutcome.REJECTED:
        return _("The «after» photo of #{id} was rejected; the wall stays «{status}».").format(
            id=number, status=status
        )
    if decision.outcome is DecisionOutcome.ALREADY_DECIDED:
        return _("Another moderator has already decided on #{id}: it is «{status}».").format(
            id=number, status=status
        )
    if decision.outcome is DecisionOutcome.REFUSED:
        return _("#{id} cannot be marked as painted over now: its status is «{status}».").format(
            id=number, status=status
        )
    return _("This button is no longer valid.")


async def on_claim_button(
    query: CallbackQuery,
    *,
    callback_data: ClaimCard,
    session: AsyncSession,
    actor: Actor,
    bot: Bot,
) -> None:
    message = query.message if isinstance(query.message, Message) else None
    chat_id = message.chat.id if message is not None else query.from_user.id
    if callback_data.action is ClaimAction.NEXT:
        await query.answer()
        if message is not None:
            await message.edit_reply_markup(reply_markup=None)
        if not await show_claim(bot, session, chat_id, after_id=callback_data.claim_id):
            await bot.send_message(chat_id, _("No more «after» photos wait for confirmation."))
        return
    decision = await claims.decide_claim(
        session,
        claim_id=callback_data.claim_id,
        moderator_id=actor.id,
        confirm=callback_data.action is ClaimAction.CONFIRM,
    )
    done = decision_text(decision)
    await query.answer(done[:200])
    if decision.outcome is DecisionOutcome.REFUSED:
        return  # the card stays: the moderator may still reject it
    if message is not None and message.text is not None:
        await message.edit_text(f"{escape(message.text)}\n\n✓ {done}", reply_markup=None)
    if not await show_claim(bot, session, chat_id, after_id=callback_data.claim_id):
        await bot.send_message(chat_id, _("No more «after» photos wait for confirmation."))


def create_router() -> Router:
    router = Router(name="graffiti_claims")
    router.message.register(cmd_claims, Command("claims"))
    router.callback_query.register(on_claim_button, ClaimCard.filter())
    return router
