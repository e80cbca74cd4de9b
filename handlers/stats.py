from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.deps import Deps
from services.actor import Actor
from services.standing import standing
from views.standing import standing_text


async def cmd_stats(message: Message, session: AsyncSession, actor: Actor, deps: Deps) -> None:
    found = await standing(session, volunteer_id=actor.id, weights=deps.point_weights)
    await message.answer(standing_text(found))


def create_router() -> Router:
    router = Router(name="stats")
    router.message.register(cmd_stats, Command("stats"))
    return router
