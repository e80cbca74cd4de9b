from aiogram import Router
from aiogram.filters import Command, CommandStart
from aiogram.types import Message
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.deps import Deps
from handlers.language import language_keyboard
from handlers.squads import SquadDeepLink, cmd_start_squad
from services import squads
from services.actor import Actor
from services.roles import is_admin, is_moderator, is_senior
from views.seniors import senior_help
from views.start import (
    choose_language_hint,
    curator_help,
    staff_help,
    volunteer_help,
    welcome_text,
)


async def cmd_start(message: Message, actor: Actor) -> None:
    if actor.language is not None:
        await message.answer(welcome_text())
        return
    # A volunteer who has not chosen a language yet reads the welcome in Telegram's language
    # and picks theirs under it; the buttons go away once the choice is made.
    await message.answer(
        welcome_text() + "\n\n" + choose_language_hint(),
        reply_markup=language_keyboard(welcome=True),
    )


async def cmd_help(message: Message, actor: Actor, deps: Deps, session: AsyncSession) -> None:
    text = volunteer_help()
    if await squads.curated_squads(session, actor.id):
        text += "\n\n" + curator_help()
    if is_senior(actor):
        text += "\n\n" + senior_help()
    if is_moderator(actor, deps.admin_ids):
        text += "\n\n" + staff_help(admin=is_admin(actor, deps.admin_ids))
    await message.answer(text)


def create_router() -> Router:
    router = Router(name="start")
    # t.me/<bot>?start=squad_CODE joins a squad (handlers/squads.py) before the usual welcome.
    router.message.register(cmd_start_squad, CommandStart(deep_link=True), SquadDeepLink())
    router.message.register(cmd_start, CommandStart())
    router.message.register(cmd_help, Command("help"))
    return router
