"""/stats: the volunteer's standing, a heavy read kept for a few seconds per volunteer.

The standing is read on the heavy reads' own connections (services/heavy_reads.py), so a crowd
asking /stats never holds the connections intake needs; a volunteer who repeats /stats within
bot/factory.py's STATS_TTL gets the answer computed a moment ago (services/answer_cache.py).
"""

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.deps import Deps
from services.actor import Actor
from services.standing import Standing, standing
from views.standing import standing_text


async def cmd_stats(message: Message, session: AsyncSession, actor: Actor, deps: Deps) -> None:
    async def compute() -> Standing:
        async with deps.heavy_reads.session(instead_of=session) as reads:
            return await standing(reads, volunteer_id=actor.id, weights=deps.point_weights)

    found = await deps.stats_cache.get(actor.id, compute)
    await message.answer(standing_text(found))


def create_router() -> Router:
    router = Router(name="stats")
    router.message.register(cmd_stats, Command("stats"))
    return router
