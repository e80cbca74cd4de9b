"""Graffiti photos from volunteers: the conversation about place and handle, and after-photos.

The conversation state lives in the database (services/graffiti/conversation.py), not in the
FSM storage, so an abandoned conversation survives restarts and is saved by a background task.
"""

import logging

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.deps import Deps
from handlers.graffiti_filters import (
    AFTER_ALBUM,
    AfterPhoto,
    HasLocation,
    ImageMessage,
    InConversation,
    PlainText,
    conversation_closed,
    conversation_opened,
)
from handlers.graffiti_links import (
    on_link_in_place_step,
    on_screenshot_button,
    on_screenshot_link,
    report_caption_links,
    report_message_links,
)
from handlers.message_links import message_links
from handlers.photo_intake import read_photo
from models.base import saved_id
from models.enums import District
from models.graffiti import DraftStep, GraffitiDraft
from services.actor import Actor
from services.graffiti import claims, conversation, street
from services.graffiti.conversation import PhotoOutcome, StepResult
from services.graffiti.options import GraffitiOptions
from services.roles import is_moderator
from views.callbacks import GraffitiAction, GraffitiStep
from views.graffiti import (
    ask_handle,
    ask_place,
    claim_text,
    district_keyboard,
    handle_keyboard,
    painted_text,
    place_keyboard,
    saved,
)
from views.graffiti_dialogue import DialogueKeyboards

logger = logging.getLogger(__name__)


def _too_large(message: Message, options: GraffitiOptions) -> bool:
    size = message.document.file_size if message.document else None
    return size is not None and size > options.max_file_bytes


async def on_after_photo(
    message: Message,
    *,
    bot: Bot,
    session: AsyncSession,
    actor: Actor,
    painted_id: int,
    state: FSMContext,
    deps: Deps,
    album_part: bool = False,
) -> None:
    """An «after» photo: a moderator's closes the wall, a volunteer's becomes a claim."""
    photo = await read_photo(message, bot, deps.graffiti_options, with_hash=False)
    if photo is None:
        return
    after = street.AfterPhoto(photo.file_id, photo.file_unique_id, photo.photo_path)
    if is_moderator(actor, deps.admin_ids):
        painted = await street.mark_painted(
            session, report_id=painted_id, actor_id=actor.id, after=after
        )
        text = painted_text(painted.report_id, changed=painted.changed, status=painted.status)
    else:
        claim = await claims.claim_painted(
            session, report_id=painted_id, volunteer_id=actor.id, after=after
        )
        text = claim_text(claim)
    if album_part:
        return  # the album's first photo was answered; one answer per album
    if message.media_group_id is not None:
        await state.update_data({AFTER_ALBUM: [message.media_group_id, painted_id]})
    await message.reply(text)


async def on_photo(
    message: Message,
    *,
    bot: Bot,
    session: AsyncSession,
    actor: Actor,
    deps: Deps,
    state: FSMContext,
) -> None:
    keyboards = DialogueKeyboards(state, bot)
    if _too_large(message, deps.graffiti_options):
        limit = deps.graffiti_options.max_file_bytes // (1024 * 1024)
        await message.reply(
            _("This file is larger than {mb} MB. Send it as a photo.").format(mb=limit)
        )
        return
    photo = await read_photo(message, bot, deps.graffiti_options)
    if photo is None:
        return
    result = await conversation.take_photo(
        session,
        volunteer_id=actor.id,
        chat_id=message.chat.id,
        photo=photo,
        media_group_id=message.media_group_id,
        caption=message.caption,
        caption_links=message_links(message) if message.caption else [],
        options=deps.graffiti_options,
        index=deps.phash_index,
    )
    if result.draft is not None:
        await conversation_opened(state)
    for done in result.finished:
        await message.answer(
            _("Your previous photo was saved as #{id}.").format(id=done.report_id)
        )
    if result.outcome is not PhotoOutcome.REPEATED:
        await report_caption_links(message, session, actor, deps.max_links_per_message)
    if result.outcome is PhotoOutcome.EXACT_DUPLICATE:
        text = (
            _("You already sent this photo: #{id}.")
            if result.already_yours
            else _("This exact photo was already reported as #{id}; your confirmation is counted.")
        )
        await message.reply(text.format(id=result.duplicate_of))
    elif result.outcome is PhotoOutcome.REPEATED and result.draft is not None:
        if result.draft.step == DraftStep.HANDLE:
            asked = await message.reply(
                ask_handle(), reply_markup=handle_keyboard(saved_id(result.draft))
            )
            await keyboards.shown(asked)
        else:
            await _ask_place(message, result.draft, keyboards)
    elif result.outcome is PhotoOutcome.STARTED and result.draft is not None:
        # A new wall: the buttons of the conversation it ended go.
        await keyboards.close()
        await _ask_place(message, result.draft, keyboards)


async def _ask_place(message: Message, draft: GraffitiDraft, keyboards: DialogueKeyboards) -> None:
    await message.reply(ask_place(), reply_markup=place_keyboard())
    districts = await message.answer(
        _("Or pick the district:"), reply_markup=district_keyboard(saved_id(draft))
    )
    await keyboards.shown(districts)


async def _answered(message: Message, result: StepResult, keyboards: DialogueKeyboards) -> None:
    if result.draft is not None and result.draft.step == DraftStep.HANDLE:
        asked = await message.answer(
            ask_handle(), reply_markup=handle_keyboard(saved_id(result.draft))
        )
        await keyboards.shown(asked)
        return
    await keyboards.close()
    if result.report is not None:
        await message.answer(saved(result.report), reply_markup=ReplyKeyboardRemove())
    else:
        await message.answer(_("This conversation has already ended."))


async def on_location(
    message: Message,
    *,
    session: AsyncSession,
    actor: Actor,
    deps: Deps,
    state: FSMContext,
    bot: Bot,
) -> None:
    assert message.location is not None
    result = await conversation.answer_place(
        session,
        volunteer_id=actor.id,
        options=deps.graffiti_options,
        index=deps.phash_index,
        latitude=message.location.latitude,
        longitude=message.location.longitude,
    )
    await _answered(message, result, DialogueKeyboards(state, bot))


async def on_text(
    message: Message,
    *,
    session: AsyncSession,
    actor: Actor,
    draft: GraffitiDraft,
    deps: Deps,
    state: FSMContext,
    bot: Bot,
) -> None:
    common = {
        "volunteer_id": actor.id,
        "options": deps.graffiti_options,
        "index": deps.phash_index,
    }
    keyboards = DialogueKeyboards(state, bot)
    links = message_links(message)
    if draft.step == DraftStep.SCREENSHOT:
        await on_screenshot_link(
            message, session=session, actor=actor, draft=draft,
            limit=deps.max_links_per_message, keyboards=keyboards,
        )  # fmt: skip
        return
    if draft.step == DraftStep.PLACE and links:
        await on_link_in_place_step(
            message, session=session, actor=actor, draft=draft, links=links,
            limit=deps.max_links_per_message,
        )  # fmt: skip
        return
    if draft.step == DraftStep.PLACE:
        result = await conversation.answer_place(
            session,
            draft_id=draft.id,
            address=message.text,
            **common,  # type: ignore[arg-type]
        )
    else:
        if len(links) > 1:
            # One is what the wall says; every one of them is a report, none is dropped.
            await report_message_links(message, session, actor, links, deps.max_links_per_message)
        result = await conversation.answer_handle(
            session,
            draft_id=draft.id,
            text=message.text,
            links=links,
            **common,  # type: ignore[arg-type]
        )
    await _answered(message, result, keyboards)


async def on_step_button(
    query: CallbackQuery,
    *,
    callback_data: GraffitiStep,
    session: AsyncSession,
    actor: Actor,
    deps: Deps,
    state: FSMContext,
    bot: Bot,
) -> None:
    keyboards = DialogueKeyboards(state, bot)
    common = {
        "volunteer_id": actor.id,
        "draft_id": callback_data.draft_id,
        "options": deps.graffiti_options,
        "index": deps.phash_index,
    }
    if callback_data.action is GraffitiAction.SCREENSHOT:
        await on_screenshot_button(
            query, session=session, actor=actor, draft_id=callback_data.draft_id,
            keyboards=keyboards,
        )  # fmt: skip
        return
    if callback_data.action is GraffitiAction.NO_HANDLE:
        result = await conversation.answer_handle(session, **common)  # type: ignore[arg-type]
    else:
        district = (
            District(callback_data.district)
            if callback_data.district in District.__members__.values()
            else None
        )
        result = await conversation.answer_place(session, district=district, **common)  # type: ignore[arg-type]
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
        await _answered(query.message, result, keyboards)


async def on_cancel(
    message: Message, *, session: AsyncSession, actor: Actor, state: FSMContext, bot: Bot
) -> None:
    dropped = await conversation.cancel(session, volunteer_id=actor.id)
    await conversation_closed(state)
    await DialogueKeyboards(state, bot).close()
    text = _("Cancelled: the photo was not saved.") if dropped else _("Nothing to cancel.")
    await message.answer(text, reply_markup=ReplyKeyboardRemove())


async def on_painted_without_photo(message: Message) -> None:
    await message.answer(
        _(
            "Send the «after» photo with the caption /painted N, or as a reply to my message "
            "about the report."
        )
    )


async def on_stray_location(message: Message) -> None:
    await message.answer(_("Send the photo of the wall first, then the place."))


def create_router() -> Router:
    router = Router(name="graffiti_intake")
    router.message.register(on_cancel, Command("cancel"))
    router.message.register(on_after_photo, AfterPhoto())
    router.message.register(on_photo, ImageMessage())
    router.message.register(on_painted_without_photo, Command("painted"))
    router.message.register(on_location, HasLocation(), InConversation())
    router.message.register(on_stray_location, HasLocation())
    router.message.register(on_text, PlainText(), InConversation())
    router.callback_query.register(on_step_button, GraffitiStep.filter())
    return router
