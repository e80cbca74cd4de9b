"""Triage by command: /accept, /reject, /merge in bulk; /report and /find to look reports up."""

from html import escape

from aiogram import Router
from aiogram.enums import ChatType
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from services import triage
from services.actor import Actor
from services.report_numbers import parse_numbers
from services.report_view import find_reports, load_full
from views.labels import category_label, numbers, reason_label
from views.report_card import refusal_text, render_found, render_full

# Refusals listed one a line; a repeated bulk command may refuse every one of its numbers.
MAX_REFUSAL_LINES = 30


def _outcome(done: str | None, result: triage.BulkResult) -> str:
    lines = [done] if done and result.changed else []
    if result.refused:
        lines.append(_("Not changed:"))
        shown = result.refused[:MAX_REFUSAL_LINES]
        lines += [f"• {refusal_text(refusal)}" for refusal in shown]
        more = len(result.refused) - len(shown)
        if more > 0:
            lines.append(_("and {count} more", "and {count} more", more).format(count=more))
    return "\n".join(lines) or _("Nothing changed.")


async def cmd_accept(
    message: Message, command: CommandObject, session: AsyncSession, actor: Actor
) -> None:
    report_ids, rest = parse_numbers(command.args)
    category = triage.parse_category(rest) if rest else None
    if not report_ids or category is None:
        await message.answer(
            _("Usage: /accept N… category, for example /accept 12 13 sales.")
            + "\n"
            + _("Categories: sales, propaganda, couriers, other.")
        )
        return
    result = await triage.accept(
        session, report_ids=report_ids, category=category, actor_id=actor.id
    )
    done = _("Accepted ({category}): {numbers}").format(
        category=category_label(category), numbers=numbers(result.changed)
    )
    await message.answer(_outcome(done, result))


async def cmd_reject(
    message: Message, command: CommandObject, session: AsyncSession, actor: Actor
) -> None:
    report_ids, reason = parse_numbers(command.args)
    if not report_ids:
        await message.answer(_("Usage: /reject N… [reason], for example /reject 12 13 not drugs."))
        return
    result = await triage.reject(session, report_ids=report_ids, reason=reason, actor_id=actor.id)
    done = _("Rejected: {numbers}").format(numbers=numbers(result.changed))
    if reason:
        preset = triage.parse_reason(reason)
        # What was stored: a preset's label (each volunteer reads it in their language), or
        # the typed words as far as they are kept.
        shown = (
            reason_label(preset, None) if preset else escape(reason[: triage.MAX_REASON_LENGTH])
        )
        done += "\n" + _("Reason: {reason}").format(reason=shown)
    await message.answer(_outcome(done, result))


async def cmd_merge(
    message: Message, command: CommandObject, session: AsyncSession, actor: Actor
) -> None:
    parsed = triage.parse_merge(command.args)
    if parsed is None:
        await message.answer(_("Usage: /merge N… into M, for example /merge 5 6 into 7."))
        return
    source_ids, into_id = parsed
    result = await triage.merge(session, source_ids=source_ids, into_id=into_id, actor_id=actor.id)
    done = _("Merged into #{id}: {numbers}").format(id=into_id, numbers=numbers(result.changed))
    await message.answer(_outcome(done, result))


async def cmd_report(message: Message, command: CommandObject, session: AsyncSession) -> None:
    report_ids, rest = parse_numbers(command.args)
    if len(report_ids) != 1 or rest:
        await message.answer(_("Usage: /report N, for example /report 12."))
        return
    full = await load_full(session, report_ids[0])
    if full is None:
        await message.answer(_("There is no report #{id}.").format(id=report_ids[0]))
        return
    # Reporters are named to a moderator alone, never in the moderators' group.
    private = message.chat.type == ChatType.PRIVATE
    await message.answer(render_full(full, name_reporters=private))


async def cmd_find(message: Message, command: CommandObject, session: AsyncSession) -> None:
    query = (command.args or "").strip()
    if not query:
        await message.answer(_("Usage: /find link, domain or @handle."))
        return
    await message.answer(render_found(query, await find_reports(session, query)))


def create_router() -> Router:
    router = Router(name="triage_commands")
    router.message.register(cmd_accept, Command("accept"))
    router.message.register(cmd_reject, Command("reject"))
    router.message.register(cmd_merge, Command("merge"))
    router.message.register(cmd_report, Command("report"))
    router.message.register(cmd_find, Command("find"))
    return router
