from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from sqlmodel.ext.asyncio.session import AsyncSession

from services.actor import Actor
from services.standing import standing
from services.tallies import PointWeights
from views.standing import standing_text


async def cmd_stats(
    message: Message, session: AsyncSession, actor: Actor, point_weights: PointWeights
) -> None:
    found = await standing(session, volunteer_id=actor.id, weights=point_weights)
    await message.answer(standing_text(found))


def create_router() -> Router:
    router = Router(name="stats")
    router.message.register(cmd_stats, Command("stats"))
    return router
