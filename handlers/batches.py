"""/batch sends ready reports to the moderator as CSV + XLSX for Кибернадзор; /batches lists them.

`/batch` takes every ready report, `/batch <category>` one category (the words /accept takes),
and `/batch N` — a bare number — sends batch N's files again.
"""

import asyncio
import html
import logging
from contextlib import suppress

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.deps import Deps
from handlers.progress import ProgressMessage
from models.base import saved_id
from models.enums import Category
from services import batches
from services.actor import Actor
from services.clock import to_almaty
from services.lifecycle import TransitionResult
from services.report_numbers import parse_number
from services.triage import parse_category
from views.labels import category_label

logger = logging.getLogger(__name__)

# Above this many rows the files are built in a worker thread, off the event loop.
THREAD_ROWS = 300


class DeliveryError(Exception):
    """Telegram accepted a document but returned no file id to send it again."""


def _preparing(done: int, total: int) -> str:
    return ngettext(
        "Preparing {total} report… {percent}%", "Preparing {total} reports… {percent}%", total
    ).format(total=f"{total:,}", percent=done * 100 // max(total, 1))


async def cmd_batch(
    message: Message,
    *,
    command: CommandObject,
    session: AsyncSession,
    bot: Bot,
    actor: Actor,
    deps: Deps,
) -> None:
    argument = (command.args or "").strip()
    number = parse_number(argument)
    if number is not None:
        await _resend(message, session, bot, number)
        return
    category = parse_category(argument) if argument else None
    if argument and category is None:
        usage = _(
            "Use /batch for every accepted report, /batch sales|propaganda|couriers|other "
            "for one category, or /batch N to get batch N again."
        )
        await message.answer(usage)
        return
    await _send_new(message, session, bot, deps, actor_id=actor.id, category=category)


async def _send_new(
    message: Message,
    session: AsyncSession,
    bot: Bot,
    deps: Deps,
    *,
    actor_id: int,
    category: Category | None,
) -> None:
    opened = await batches.open_batch(session, actor_id=actor_id, category=category)
    if opened is None:
        await message.answer(_("Nothing to send: no accepted reports wait for a batch."))
        return
    batch_id = saved_id(opened.batch)
    progress: ProgressMessage | None = None
    try:
        status = await message.answer(_preparing(0, len(opened.report_ids)))
        progress = ProgressMessage(status, _preparing)
        file_ids = await _build_and_deliver(
            message, session, bot, deps, opened=opened, progress=progress
        )
    except (TelegramAPIError, DeliveryError) as error:
        logger.warning("batch %s not delivered to %s: %s", batch_id, message.chat.id, error)
        await batches.abandon_batch(session, opened=opened, actor_id=actor_id)
        failed = _("Could not send the files, so nothing was marked as sent. Try /batch later.")
        await _finish(message, progress, failed)
        return
    except BaseException:
        await batches.abandon_batch(session, opened=opened, actor_id=actor_id)
        raise
    result = await batches.complete_batch(
        session,
        opened=opened,
        actor_id=actor_id,
        csv_file_id=file_ids[0],
        xlsx_file_id=file_ids[1],
    )
    await _finish(message, progress, _sent_text(batch_id, result))


def _sent_text(batch_id: int, result: TransitionResult) -> str:
    count = len(result.changed)
    text = _(
        "Batch {batch}: {count} report marked as sent to Kibernadzor.",
        "Batch {batch}: {count} reports marked as sent to Kibernadzor.",
        count,
    ).format(batch=batch_id, count=count)
    if result.refused:
        text += "\n" + _("Already sent in another batch meanwhile: {numbers}.").format(
            numbers=", ".join(f"#{r.report_id}" for r in result.refused[:50])
        )
    return text


async def _build_and_deliver(
    message: Message,
    session: AsyncSession,
    bot: Bot,
    deps: Deps,
    *,
    opened: batches.OpenBatch,
    progress: ProgressMessage,
) -> tuple[str, str]:
    """Both documents delivered, or an exception; a half-delivered pair is taken back."""
    # An export is a heavy read (services/heavy_reads.py); the claim is committed, so the
    # update's session has nothing to keep meanwhile.
    async with deps.heavy_reads.session(instead_of=session) as reads:
        rows = await batches.batch_rows(reads, report_ids=opened.report_ids, progress=progress)
    if len(rows) > THREAD_ROWS:
        files = await asyncio.to_thread(batches.render_files, opened.batch, rows)
    else:
        files = batches.render_files(opened.batch, rows)
    caption = _caption(saved_id(opened.batch), len(rows))
    await progress.show(_("Sending the files…"))
    first = await bot.send_document(
        message.chat.id, BufferedInputFile(files.csv_data, files.csv_name), caption=caption
    )
    try:
        second = await bot.send_document(
            message.chat.id, BufferedInputFile(files.xlsx_data, files.xlsx_name), caption=caption
        )
    except BaseException:
        # The lone CSV names a batch that will not exist: do not leave it to be forwarded.
        with suppress(TelegramAPIError):
            await bot.delete_message(message.chat.id, first.message_id)
        raise
    if first.document is None or second.document is None:
        raise DeliveryError("no document in the answer")
    return first.document.file_id, second.document.file_id


def _caption(batch_id: int, count: int) -> str:
    return _(
        "Batch {batch} for Kibernadzor: {count} report.",
        "Batch {batch} for Kibernadzor: {count} reports.",
        count,
    ).format(batch=batch_id, count=count)


async def _finish(message: Message, progress: ProgressMessage | None, text: str) -> None:
    """The outcome must reach the moderator even if the status message cannot be edited."""
    if progress is not None:
        with suppress(TelegramAPIError):
            await progress.message.edit_text(text)
            return
    await message.answer(text)


async def _resend(message: Message, session: AsyncSession, bot: Bot, batch_id: int) -> None:
    batch = await batches.delivered_batch(session, batch_id)
    if batch is None or batch.csv_file_id is None or batch.xlsx_file_id is None:
        text = _("There is no batch {batch}. /batches lists them.")
        await message.answer(text.format(batch=batch_id))
        return
    caption = _caption(batch_id, batch.report_count)
    await bot.send_document(message.chat.id, batch.csv_file_id, caption=caption)
    await bot.send_document(message.chat.id, batch.xlsx_file_id, caption=caption)


async def cmd_batches(message: Message, session: AsyncSession) -> None:
    summaries = await batches.recent_batches(session, limit=20)
    if not summaries:
        await message.answer(_("No batches yet. /batch sends the accepted reports."))
        return
    lines = [_("Batches, newest first (/batch N sends one again):")]
    for summary in summaries:
        batch, moderator = summary.batch, summary.moderator
        who = f"@{moderator.username}" if moderator.username else moderator.first_name
        category = (
            category_label(Category(batch.category)) if batch.category else _("all categories")
        )
        lines.append(
            _(
                "Batch {batch} · {date} · {who} · {count} report · {category}",
                "Batch {batch} · {date} · {who} · {count} reports · {category}",
                batch.report_count,
            ).format(
                batch=batch.id,
                date=f"{to_almaty(batch.created_at):%d.%m.%Y %H:%M}",
                who=html.escape(who or str(moderator.telegram_id)),
                count=batch.report_count,
                category=category,
            )
        )
    await message.answer("\n".join(lines))


def create_router() -> Router:
    router = Router(name="batches")
    router.message.register(cmd_batch, Command("batch"))
    router.message.register(cmd_batches, Command("batches"))
    return router
