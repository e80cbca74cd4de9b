"""/top: the leaderboards as the volunteer who asks sees them."""

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.deps import Deps
from services import volunteers
from services.actor import Actor
from services.clock import utcnow
from services.leaderboard import overview
from services.weeks import Week
from views.top import render_top


async def cmd_top(message: Message, session: AsyncSession, actor: Actor, deps: Deps) -> None:
    week = Week.of(utcnow())
    # A heavy read (services/heavy_reads.py); not cached: a new nickname shows at once.
    async with deps.heavy_reads.session(instead_of=session) as reads:
        view = await overview(
            reads,
            weights=deps.point_weights,
            since=week.start,
            until=week.end,
            viewer_id=actor.id,
        )
        viewer = await volunteers.load(reads, actor.id)
    await message.answer(render_top(view, week, viewer))


def create_router() -> Router:
    router = Router(name="top")
    router.message.register(cmd_top, Command("top"))
    return router
