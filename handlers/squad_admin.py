"""Squad administration: /squad_add <name>, /squad_curator <code> <id|@username>.

Administrators only. This router sits inside the moderator-gated staff router, so each command
checks the administrator's role itself.
"""

from collections.abc import Collection
from html import escape

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.deps import Deps
from handlers.role_notices import tell_new_curator
from services import roles, squads
from services.actor import Actor


async def _refuse_non_admin(message: Message, actor: Actor, admin_ids: Collection[int]) -> bool:
    if roles.is_admin(actor, admin_ids):
        return False
    await message.answer(_("This command is for administrators only."))
    return True


async def cmd_squad_add(
    message: Message,
    *,
    command: CommandObject,
    bot: Bot,
    session: AsyncSession,
    actor: Actor,
    deps: Deps,
) -> None:
    if await _refuse_non_admin(message, actor, deps.admin_ids):
        return
    name = (command.args or "").strip()
    if not name:
        await message.answer(_("Name the squad: /squad_add KazNU Faculty of Law"))
        return
    squad = await squads.create_squad(session, name=name, created_by_id=actor.id)
    if squad is None:
        await message.answer(_("A squad with this name exists already."))
        return
    me = await bot.me()
    link = f"https://t.me/{me.username}?start=squad_{squad.code}"
    await message.answer(
        _(
            "Squad «{name}» created. Join code: <code>{code}</code>\n"
            "Invitation link: <code>{link}</code>\n"
            "Make someone its curator: /squad_curator {code} id|@username"
        ).format(name=escape(squad.name), code=squad.code, link=link)
    )


async def cmd_squad_curator(
    message: Message,
    command: CommandObject,
    *,
    session: AsyncSession,
    actor: Actor,
    deps: Deps,
    bot: Bot,
    i18n: I18n,
) -> None:
    if await _refuse_non_admin(message, actor, deps.admin_ids):
        return
    parts = (command.args or "").split()
    if len(parts) != 2:
        await message.answer(_("Usage: /squad_curator CODE id|@username"))
        return
    squad = await squads.find_by_code(session, parts[0])
    if squad is None:
        await message.answer(_("There is no squad with this code. Check it with your curator."))
        return
    curator = await roles.find_volunteer(session, parts[1])
    if curator is None:
        await message.answer(
            _("I do not know {who}: they must write to the bot first.").format(
                who=escape(parts[1])
            )
        )
        return
    added = await squads.add_curator(session, squad=squad, volunteer=curator)
    text = _("{who} now curates «{name}».") if added else _("{who} already curates «{name}».")
    text = text.format(who=curator.telegram_id, name=escape(squad.name))
    if added and not await tell_new_curator(
        bot, i18n, curator, squad_name=squad.name, code=squad.code
    ):
        text += "\n" + _("I could not tell them: they have not opened the bot or blocked it.")
    await message.answer(text)


def create_router() -> Router:
    router = Router(name="squad_admin")
    router.message.register(cmd_squad_add, Command("squad_add"))
    router.message.register(cmd_squad_curator, Command("squad_curator"))
    return router
