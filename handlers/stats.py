from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.stats_tally import tally_lines
from handlers.texts import status_label
from services.actor import Actor
from services.my_reports import volunteer_stats
from services.tallies import PointWeights


async def cmd_stats(
    message: Message, session: AsyncSession, actor: Actor, point_weights: PointWeights
) -> None:
    stats = await volunteer_stats(session, volunteer_id=actor.id)
    lines = [
        _("<b>Your numbers</b>"),
        _("Links sent: {count}").format(count=stats.links_sent),
        _("Targets you found first: {count}").format(count=stats.found_first),
        _("Confirmations of others' finds: {count}").format(count=stats.confirmations),
    ]
    lines.extend(await tally_lines(session, actor.id, point_weights))
    if stats.by_status:
        lines.append("")
        lines.append(_("Your reports by status:"))
        lines.extend(
            f"• {status_label(status)}: {count}"
            for status, count in sorted(stats.by_status.items())
        )
    await message.answer("\n".join(lines))


def create_router() -> Router:
    router = Router(name="stats")
    router.message.register(cmd_stats, Command("stats"))
    return router
