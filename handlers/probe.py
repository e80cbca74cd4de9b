"""Moderators' commands of the checks: /recheck N… and /probe_status.

/recheck answers at once and checks in a one-off job (a check may take its whole time-out,
and one user's updates are handled one at a time); the results come as one message. A
redelivered /recheck is not checked again (bot/probe_hub.py): two checks move a status.
"""

from collections.abc import Sequence

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.deps import Deps, ProbeAccess
from services.clock import utcnow
from services.probe.status import probe_status
from services.report_numbers import parse_numbers
from views.probe_checks import (
    probe_disabled,
    recheck_results,
    recheck_started,
    recheck_too_many,
    recheck_usage,
    render_probe_status,
)

RECHECK_LIMIT = 20


async def cmd_recheck(message: Message, command: CommandObject, bot: Bot, deps: Deps) -> None:
    if deps.probe is None:
        await message.answer(probe_disabled())
        return
    report_ids, rest = parse_numbers(command.args)
    if not report_ids or rest:
        await message.answer(recheck_usage(RECHECK_LIMIT))
        return
    if len(report_ids) > RECHECK_LIMIT:
        await message.answer(recheck_too_many(RECHECK_LIMIT))
        return
    if not deps.probe.first_request(message.chat.id, message.message_id):
        return
    await message.answer(recheck_started(report_ids))
    deps.jobs.spawn(_recheck(message, bot, deps.probe, report_ids), name="recheck")


async def _recheck(message: Message, bot: Bot, probe: ProbeAccess, ids: Sequence[int]) -> None:
    lines, skipped = await probe.recheck(bot, ids)
    await message.answer(recheck_results(lines, skipped))


async def cmd_probe_status(message: Message, session: AsyncSession, deps: Deps) -> None:
    if deps.probe is None:
        await message.answer(probe_disabled())
        return
    status = await probe_status(session, now=utcnow())
    with_control = deps.probe.options.control_proxy is not None
    await message.answer(render_probe_status(status, with_control=with_control))


def create_router() -> Router:
    router = Router(name="probe")
    router.message.register(cmd_recheck, Command("recheck"))
    router.message.register(cmd_probe_status, Command("probe_status"))
    return router
