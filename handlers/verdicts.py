"""/blocked and /declined: the regulator's verdicts, by numbers or by an uploaded list of URLs.

`/blocked N…` and `/declined N… [reason]` take report numbers. `/blocked` as the caption of a
CSV or TXT file — or as a reply to a message carrying one — matches the file's links; matches
that come only from a bare domain wait for Confirm, and the pending list stays in the FSM
storage, so the button carries nothing but a token.
"""

import html
import logging
import secrets
from typing import Any

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Document, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.downloads import DownloadFailedError, download_bytes, please_send_again
from handlers.progress import ProgressMessage
from models.enums import ReportStatus
from services import verdicts
from services.actor import Actor
from services.report_numbers import parse_numbers
from services.text_files import NotTextError
from views import verdicts as verdict_texts
from views.callbacks import UrlListAnswer
from views.labels import fit_lines, numbers, shorten
from views.stale import strip_pressed

logger = logging.getLogger(__name__)

PENDING = "blocked_list"  # FSM data key, next to whatever other features keep there
# Domain lines listed in the confirmation; a regulator's list may name hundreds of sites.
MAX_DOMAIN_LINES = 20
# Lists of this many reports or more show a progress message while they are recorded.
PROGRESS_FROM = 200


async def cmd_blocked(
    message: Message,
    *,
    command: CommandObject,
    session: AsyncSession,
    bot: Bot,
    actor: Actor,
    state: FSMContext,
) -> None:
    reply = message.reply_to_message
    document = message.document or (reply.document if reply is not None else None)
    if document is not None:
        await _blocked_from_file(
            message, session=session, bot=bot, actor=actor, state=state, document=document
        )
        return
    report_ids, rest = parse_numbers(command.args)
    if not report_ids or rest:
        usage = _(
            "Use /blocked N… with report numbers, or send a CSV or TXT file of links "
            "with the caption /blocked."
        )
        await message.answer(usage)
        return
    result = await verdicts.record_verdict(
        session, report_ids=report_ids, verdict=ReportStatus.BLOCKED, actor_id=actor.id
    )
    await message.answer(fit_lines(verdict_texts.recorded(ReportStatus.BLOCKED, result)))


async def cmd_declined(
    message: Message, command: CommandObject, session: AsyncSession, actor: Actor
) -> None:
    report_ids, reason = parse_numbers(command.args)
    if not report_ids:
        await message.answer(_("Use /declined N… [reason] with report numbers."))
        return
    result = await verdicts.record_verdict(
        session,
        report_ids=report_ids,
        verdict=ReportStatus.DECLINED,
        actor_id=actor.id,
        reason=reason,
    )
    await message.answer(fit_lines(verdict_texts.recorded(ReportStatus.DECLINED, result)))


async def cmd_simple_verdict(
    message: Message, command: CommandObject, session: AsyncSession, actor: Actor
) -> None:
    """/still_online N… and /reappeared N…: a check's finding, recorded by a moderator."""
    verdict = _SIMPLE_VERDICTS[command.command]
    report_ids, rest = parse_numbers(command.args)
    if not report_ids or rest:
        await message.answer(_("Use /{command} N… with report numbers.").format(
            command=command.command
        ))  # fmt: skip
        return
    result = await verdicts.record_verdict(
        session, report_ids=report_ids, verdict=verdict, actor_id=actor.id
    )
    await message.answer(fit_lines(verdict_texts.recorded(verdict, result)))


_SIMPLE_VERDICTS = {
    "still_online": ReportStatus.STILL_ONLINE,
    "reappeared": ReportStatus.REAPPEARED,
}


def _is_text_list(document: Document) -> tuple[bool, bool]:
    """(acceptable, read as CSV) judged by the file name, else by the MIME type."""
    name = (document.file_name or "").lower()
    mime = (document.mime_type or "").lower()
    as_csv = name.endswith(".csv") or mime in ("text/csv", "text/comma-separated-values")
    return as_csv or name.endswith(".txt") or mime.startswith("text/"), as_csv


async def _download(bot: Bot, document: Document) -> bytes | None:
    """The file's bytes, or None when it is too big; DownloadFailedError when Telegram failed."""
    if (document.file_size or 0) > verdicts.MAX_FILE_BYTES:
        return None
    data = await download_bytes(bot, document, limit=verdicts.MAX_FILE_BYTES)
    return data if len(data) <= verdicts.MAX_FILE_BYTES else None


async def _blocked_from_file(
    message: Message,
    *,
    session: AsyncSession,
    bot: Bot,
    actor: Actor,
    state: FSMContext,
    document: Document,
) -> None:
    acceptable, as_csv = _is_text_list(document)
    if not acceptable:
        await message.answer(_("Send the list as a CSV or TXT file, one link a line."))
        return
    try:
        data = await _download(bot, document)
    except DownloadFailedError:
        await message.answer(please_send_again())
        return
    if data is None:
        await message.answer(_("I could not read this file. Files up to 1 MB are accepted."))
        return
    try:
        lines = await verdicts.read_url_list_off_loop(data, as_csv=as_csv)
    except verdicts.ListTooLongError:
        text = _("The list is too long: at most {count} lines, please split it.")
        await message.answer(text.format(count=f"{verdicts.MAX_LINES:,}"))
        return
    except NotTextError:
        await message.answer(
            _("This file is not text. Send the list as a CSV or TXT file, one link a line.")
        )
        return
    match = await verdicts.match_url_list(session, lines)
    if match.needs_confirmation:
        token = secrets.token_hex(4)
        pending = {
            "token": token,
            "ids": match.report_ids,
            "unmatched": match.unmatched[: verdict_texts.MAX_LINES],
            "unmatched_total": len(match.unmatched),
        }
        await state.update_data({PENDING: pending})
        await message.answer(_preview(match), reply_markup=_confirm_keyboard(token))
        return
    lines_out = []
    if match.report_ids:
        result = await _record_blocked(message, session, actor, match.report_ids)
        lines_out += verdict_texts.recorded(ReportStatus.BLOCKED, result)
    lines_out += verdict_texts.unmatched(match.unmatched)
    await message.answer(fit_lines(lines_out) or _("The file holds no links."))


async def _record_blocked(
    chat: Message, session: AsyncSession, actor: Actor, report_ids: list[int]
) -> verdicts.VerdictResult:
    """A long list is written in chunks for a while (services/verdicts.py): show how far."""
    progress = None
    if len(report_ids) >= PROGRESS_FROM:
        status = await chat.answer(verdict_texts.recording(0, len(report_ids)))
        progress = ProgressMessage(status, verdict_texts.recording)
    return await verdicts.record_verdict(
        session,
        report_ids=report_ids,
        verdict=ReportStatus.BLOCKED,
        actor_id=actor.id,
        progress=progress,
    )


def _preview(match: verdicts.ListMatch) -> str:
    lines = [_("Some lines name a whole site. Mark every report on it as blocked?")]
    domains = list(match.by_domain.items())
    for line, ids in domains[:MAX_DOMAIN_LINES]:
        shown = html.escape(shorten(line, 70))
        lines.append(f"<code>{shown}</code> — {numbers(ids, 30)}")
    if len(domains) > MAX_DOMAIN_LINES:
        lines.append(verdict_texts.more(len(domains) - MAX_DOMAIN_LINES))
    if match.exact:
        exact = numbers(match.exact, 60)
        lines.append(_("Matched exactly: {numbers}.").format(numbers=exact))
    lines += verdict_texts.unmatched(match.unmatched)
    return fit_lines(lines)


def _confirm_keyboard(token: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Confirm"), callback_data=UrlListAnswer(confirm=True, token=token))
    builder.button(text=_("Cancel"), callback_data=UrlListAnswer(confirm=False, token=token))
    return builder.as_markup()


async def on_list_answer(
    query: CallbackQuery,
    *,
    callback_data: UrlListAnswer,
    session: AsyncSession,
    bot: Bot,
    actor: Actor,
    state: FSMContext,
) -> None:
    pending: dict[str, Any] | None = (await state.get_data()).get(PENDING)
    if not pending or pending.get("token") != callback_data.token:
        expired = _("This list is no longer waiting: send the file again.")
        await query.answer(expired, show_alert=True)
        await strip_pressed(query, bot)
        return
    await state.update_data({PENDING: None})
    if callback_data.confirm:
        ids = [int(i) for i in pending["ids"]]
        if isinstance(query.message, Message):
            result = await _record_blocked(query.message, session, actor, ids)
        else:
            result = await verdicts.record_verdict(
                session, report_ids=ids, verdict=ReportStatus.BLOCKED, actor_id=actor.id
            )
        lines = verdict_texts.recorded(ReportStatus.BLOCKED, result)
        lines += verdict_texts.unmatched(pending["unmatched"], pending["unmatched_total"])
        text = fit_lines(lines)
    else:
        text = _("Cancelled: nothing was changed.")
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_text(text)
    else:
        await bot.send_message(query.from_user.id, text)


def create_router() -> Router:
    router = Router(name="verdicts")
    router.message.register(cmd_blocked, Command("blocked"))
    router.message.register(cmd_declined, Command("declined"))
    router.message.register(cmd_simple_verdict, Command(*_SIMPLE_VERDICTS))
    router.callback_query.register(on_list_answer, UrlListAnswer.filter())
    return router
