"""/squad: join a squad by its code (or the deep link ?start=squad_CODE), see yours, leave it.

Curators see their squads' statistics here too; members are named only by consented nicknames.
"""

from html import escape

from aiogram import Router
from aiogram.filters import Command, CommandObject, Filter
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession
from typing_extensions import override

from handlers.deps import Deps
from models.base import saved_id
from services import squads
from services.actor import Actor
from services.squad_stats import SquadStats, curated_squad_stats
from services.squads import JoinOutcome
from views.digest import board_lines
from views.start import safety_rules

DEEP_LINK_PREFIX = "squad_"
LEAVE_WORDS = frozenset({"leave", "выйти", "шығу"})


class SquadDeepLink(Filter):
    """`/start squad_CODE`: runs after CommandStart(deep_link=True), which supplies `command`."""

    @override
    async def __call__(self, message: Message, command: CommandObject | None = None) -> bool:
        return bool(command and command.args and command.args.startswith(DEEP_LINK_PREFIX))


async def _join(message: Message, session: AsyncSession, actor: Actor, code: str) -> None:
    result = await squads.join(session, volunteer_id=actor.id, code=code)
    if result.outcome is JoinOutcome.UNKNOWN_CODE or result.squad is None:
        await message.answer(_("There is no squad with this code. Check it with your curator."))
        return
    name = escape(result.squad.name)
    texts = {
        JoinOutcome.JOINED: _("You joined the squad «{name}»."),
        JoinOutcome.MOVED: _("You moved to the squad «{name}» (one squad at a time)."),
        JoinOutcome.ALREADY: _("You are already in the squad «{name}»."),
    }
    await message.answer(texts[result.outcome].format(name=name))


async def cmd_start_squad(
    message: Message, command: CommandObject, session: AsyncSession, actor: Actor
) -> None:
    await _join(message, session, actor, (command.args or "")[len(DEEP_LINK_PREFIX) :])
    await message.answer(safety_rules() + "\n\n" + _("/help tells what to send."))


def _squad_stats_text(stats: SquadStats) -> str:
    """What a curator sees: the squad's totals this week and in all, and its top five."""
    lines = [
        _("<b>Squad «{name}»</b> · code <code>{code}</code>").format(
            name=escape(stats.name), code=stats.code
        ),
        _("Members: {count}").format(count=stats.members),
    ]
    for title, period in ((_("This week"), stats.this_week), (_("All time"), stats.all_time)):
        summary = _(
            "Links: {links}, photos: {photos}, accepted: {accepted}, "
            "blocked or painted over: {closed}, points: {points}"
        ).format(
            links=period.links,
            photos=period.photos,
            accepted=period.accepted,
            closed=period.closed,
            points=period.points,
        )
        lines += ["", f"<b>{title}</b>", summary, *board_lines(period.board)]
    return "\n".join(lines)


async def cmd_squad(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    actor: Actor,
    deps: Deps,
) -> None:
    argument = (command.args or "").strip()
    if argument.lower() in LEAVE_WORDS:
        left = await squads.leave(session, volunteer_id=actor.id)
        await message.answer(
            _("You left the squad «{name}».").format(name=escape(left.name))
            if left is not None
            else _("You are not in a squad.")
        )
        return
    if argument:
        await _join(message, session, actor, argument)
        return
    mine = await squads.squad_of(session, actor.id)
    if mine is None:
        text = _("You are not in a squad. Send /squad and the code your curator gave you.")
    else:
        count = await squads.member_count(session, saved_id(mine))
        text = _(
            "Your squad: «{name}», members: {count}.\n"
            "Friends join with /squad {code}. /top shows the squads; /squad leave to leave."
        ).format(name=escape(mine.name), count=count, code=mine.code)
    await message.answer(text)
    async with deps.heavy_reads.session(instead_of=session) as reads:  # a heavy read
        curated = await curated_squad_stats(reads, curator_id=actor.id, weights=deps.point_weights)
    for stats in curated:
        await message.answer(_squad_stats_text(stats))


def create_router() -> Router:
    router = Router(name="squads")
    router.message.register(cmd_squad, Command("squad"))
    return router
