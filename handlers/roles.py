"""Administrators grant and revoke the moderator and senior roles; moderators ban and unban
volunteers. Every role change is audited (services/roles.py)."""

from html import escape

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.deps import Deps
from handlers.filters import AdminOnly, ModeratorOnly
from handlers.role_notices import locale_of, tell_new_moderator, tell_new_senior
from models.enums import Role
from models.volunteer import Volunteer
from services import roles
from services.actor import Actor
from views.menu import remove_staff_menu, set_staff_menu, set_volunteer_menu


def _who(volunteer: Volunteer) -> str:
    handle = f" (@{volunteer.username})" if volunteer.username else ""
    return f"{volunteer.telegram_id}{handle}"


def _told(granted: str, told: bool) -> str:
    """The answer to a grant, with a line when the new staff member could not be told."""
    if told:
        return granted
    return granted + "\n" + _("I could not tell them: they have not opened the bot or blocked it.")


async def _target(
    message: Message, session: AsyncSession, argument: str | None
) -> Volunteer | None:
    reference = (argument or "").split(maxsplit=1)[0] if argument else ""
    if not reference:
        await message.answer(_("Say whom: an id or @username."))
        return None
    found = await roles.find_volunteers(session, reference)
    if len(found) > 1:
        text = _("Several people have used {who}: name them by their numeric id instead.")
        await message.answer(text.format(who=escape(reference)))
        return None
    if not found:
        await message.answer(
            _("I do not know {who}: they must write to the bot first.").format(
                who=escape(reference)
            )
        )
        return None
    return found[0]


async def cmd_grant(
    message: Message,
    *,
    command: CommandObject,
    session: AsyncSession,
    bot: Bot,
    i18n: I18n,
    actor: Actor,
) -> None:
    volunteer = await _target(message, session, command.args)
    if volunteer is None:
        return
    change = await roles.set_role(
        session, volunteer=volunteer, role=Role.MODERATOR, actor_id=actor.id
    )
    if change.refused is roles.Refusal.BANNED:
        await message.answer(_("{who} is banned: lift the ban first.").format(who=_who(volunteer)))
    elif change.changed:
        await set_staff_menu(bot, i18n, chat_id=volunteer.telegram_id, locale=locale_of(volunteer))
        told = await tell_new_moderator(bot, i18n, volunteer)
        await message.answer(
            _told(_("{who} is now a moderator.").format(who=_who(volunteer)), told)
        )
    else:
        await message.answer(_("{who} is already a moderator.").format(who=_who(volunteer)))


async def cmd_revoke(
    message: Message, command: CommandObject, session: AsyncSession, bot: Bot, actor: Actor
) -> None:
    volunteer = await _target(message, session, command.args)
    if volunteer is None:
        return
    change = await roles.revoke_role(
        session, volunteer=volunteer, role=Role.MODERATOR, actor_id=actor.id
    )
    if change.changed:
        await remove_staff_menu(bot, chat_id=volunteer.telegram_id)
        await message.answer(_("{who} is no longer a moderator.").format(who=_who(volunteer)))
    else:
        await message.answer(_("{who} was not a moderator.").format(who=_who(volunteer)))


async def cmd_grant_senior(
    message: Message,
    *,
    command: CommandObject,
    session: AsyncSession,
    bot: Bot,
    i18n: I18n,
    actor: Actor,
) -> None:
    volunteer = await _target(message, session, command.args)
    if volunteer is None:
        return
    change = await roles.set_role(
        session, volunteer=volunteer, role=Role.SENIOR, actor_id=actor.id
    )
    who = _who(volunteer)
    if change.refused is roles.Refusal.BANNED:
        await message.answer(_("{who} is banned: lift the ban first.").format(who=who))
    elif change.refused is roles.Refusal.OUTRANKED:
        await message.answer(
            _("{who} is a moderator; /revoke them first to make them a senior.").format(who=who)
        )
    elif change.changed:
        locale = locale_of(volunteer)
        await set_volunteer_menu(
            bot, i18n, chat_id=volunteer.telegram_id, locale=locale, senior=True
        )
        told = await tell_new_senior(bot, i18n, volunteer)
        await message.answer(_told(_("{who} is now a senior volunteer.").format(who=who), told))
    else:
        await message.answer(_("{who} is already a senior volunteer.").format(who=who))


async def cmd_revoke_senior(
    message: Message,
    *,
    command: CommandObject,
    session: AsyncSession,
    bot: Bot,
    i18n: I18n,
    actor: Actor,
) -> None:
    volunteer = await _target(message, session, command.args)
    if volunteer is None:
        return
    change = await roles.revoke_role(
        session, volunteer=volunteer, role=Role.SENIOR, actor_id=actor.id
    )
    if change.changed:
        locale = locale_of(volunteer)
        await set_volunteer_menu(bot, i18n, chat_id=volunteer.telegram_id, locale=locale)
        await message.answer(
            _("{who} is no longer a senior volunteer.").format(who=_who(volunteer))
        )
    else:
        await message.answer(_("{who} was not a senior volunteer.").format(who=_who(volunteer)))


async def cmd_ban(
    message: Message, command: CommandObject, session: AsyncSession, deps: Deps
) -> None:
    volunteer = await _target(message, session, command.args)
    if volunteer is None:
        return
    parts = (command.args or "").split(maxsplit=1)
    reason = parts[1] if len(parts) > 1 else None
    change = await roles.ban(session, volunteer=volunteer, reason=reason, admin_ids=deps.admin_ids)
    if change.refused is roles.Refusal.STAFF:
        await message.answer(_("Moderators cannot be banned; revoke the role first."))
        return
    if change.refused is roles.Refusal.SENIOR:
        await message.answer(
            _(
                "Senior volunteers cannot be banned; an administrator takes the role back first "
                "with /revoke_senior."
            )
        )
        return
    text = _("{who} is banned.") if change.changed else _("{who} was already banned.")
    await message.answer(text.format(who=_who(volunteer)))


async def cmd_unban(message: Message, command: CommandObject, session: AsyncSession) -> None:
    volunteer = await _target(message, session, command.args)
    if volunteer is None:
        return
    change = await roles.unban(session, volunteer=volunteer)
    text = _("{who} is no longer banned.") if change.changed else _("{who} was not banned.")
    await message.answer(text.format(who=_who(volunteer)))


def create_admin_router() -> Router:
    router = Router(name="admin_roles")
    router.message.filter(AdminOnly())
    router.message.register(cmd_grant, Command("grant"))
    router.message.register(cmd_revoke, Command("revoke"))
    router.message.register(cmd_grant_senior, Command("grant_senior"))
    router.message.register(cmd_revoke_senior, Command("revoke_senior"))
    return router


def create_moderator_router() -> Router:
    router = Router(name="moderator_roles")
    router.message.filter(ModeratorOnly())
    router.message.register(cmd_ban, Command("ban"))
    router.message.register(cmd_unban, Command("unban"))
    return router
