"""Links inside the graffiti conversation: never lost, never taken for a wall's address.

A caption's links are reported when the photo arrives; a link sent when the place was asked
is reported and noted as what is written on the wall; a photo marked as a screenshot becomes
evidence on the link reports it came with (or on those of the next message).
"""

from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.intake import render_result, submit_message_links
from handlers.message_links import message_links
from models.base import saved_id
from models.graffiti import GraffitiDraft
from services.actor import Actor
from services.graffiti import conversation, screenshot
from services.graffiti.handle import wall_handle
from services.intake import IntakeResult, Outcome
from views.graffiti import ask_place, place_keyboard
from views.graffiti_dialogue import DialogueKeyboards


def _reported(result: IntakeResult) -> list[int]:
    return [
        link.report_id
        for link in result.links
        if link.outcome is not Outcome.REFUSED and link.report_id is not None
    ]


def _attached(report_ids: list[int]) -> str:
    return _(
        "The screenshot is attached to {numbers} as evidence for the moderators; "
        "no wall report was made."
    ).format(numbers=", ".join(f"#{number}" for number in report_ids))


async def report_caption_links(
    message: Message, session: AsyncSession, actor: Actor, limit: int
) -> None:
    """The caption's links are reports at once: /cancel of the wall must not lose them."""
    links = message_links(message) if message.caption else []
    if links:
        await report_message_links(message, session, actor, links, limit)


async def report_message_links(
    message: Message, session: AsyncSession, actor: Actor, links: list[str], limit: int
) -> None:
    result = await submit_message_links(message, session, actor, links, limit)
    await message.reply(render_result(result, limit))


async def on_link_in_place_step(
    message: Message,
    *,
    session: AsyncSession,
    actor: Actor,
    draft: GraffitiDraft,
    links: list[str],
    limit: int,
) -> None:
    result = await submit_message_links(message, session, actor, links, limit)
    handle = wall_handle(links, message.text or "")
    if handle is not None:
        await conversation.link_instead_of_place(
            session, volunteer_id=actor.id, draft_id=draft.id, raw=handle.raw
        )
    lines = [
        render_result(result, limit),
        "",
        _("A link is not a place, so it was noted as what is written on the wall."),
        ask_place(),
    ]
    await message.reply("\n".join(lines), reply_markup=place_keyboard())


async def on_screenshot_link(
    message: Message,
    *,
    session: AsyncSession,
    actor: Actor,
    draft: GraffitiDraft,
    limit: int,
    keyboards: DialogueKeyboards,
) -> None:
    """The message after «this is a screenshot»: its links get the screenshot as evidence."""
    links = message_links(message)
    if not links:
        await message.reply(ask_screenshot_link())
        return
    result = await submit_message_links(message, session, actor, links, limit)
    reported = _reported(result)
    done = await screenshot.attach_screenshot(
        session, volunteer_id=actor.id, draft_id=saved_id(draft), report_ids=reported
    )
    lines = [render_result(result, limit)]
    if done.report_ids:
        await keyboards.close()
        lines.append(_attached(done.report_ids))
    await message.reply("\n".join(lines), reply_markup=ReplyKeyboardRemove())


def ask_screenshot_link() -> str:
    return _(
        "Send the link or @username the screenshot shows, as text. Never contact the seller. "
        "/cancel drops the screenshot."
    )


async def on_screenshot_button(
    query: CallbackQuery,
    *,
    session: AsyncSession,
    actor: Actor,
    draft_id: int,
    keyboards: DialogueKeyboards,
) -> None:
    result = await screenshot.mark_screenshot(session, volunteer_id=actor.id, draft_id=draft_id)
    await query.answer()
    if not isinstance(query.message, Message):
        return
    await query.message.edit_reply_markup(reply_markup=None)
    if result.report_ids:
        await keyboards.close()
        text = _attached(result.report_ids)
    elif result.draft is not None:
        text = ask_screenshot_link()
    else:
        text = _("This conversation has already ended.")
    await query.message.answer(text, reply_markup=ReplyKeyboardRemove())
