"""Commands in group chats.

In the configured moderators' group, moderators' triage and export commands are answered there
(reports' reporters are never named in a group). Any other known command in any group gets a
pointer to the private chat: reports in a group would show who reported what.
"""

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from handlers import batches, graffiti_staff, triage, verdicts
from handlers.filters import GroupChat, ModeratorOnly, ModeratorsGroup
from views.menu import ADMIN_COMMANDS, MODERATOR_COMMANDS, VOLUNTEER_COMMANDS, command_names


async def cmd_in_group(message: Message) -> None:
    await message.reply(
        _("I take reports only in a private chat: open me and send the link there.")
    )


async def staff_cmd_in_group(message: Message) -> None:
    await message.reply(_("Moderators: send this command to me in a private chat."))


async def on_group_button(query: CallbackQuery) -> None:
    # A button on a moderator's card, pressed by someone who may not use it; the card stays.
    await query.answer(_("This button is not available to you."), show_alert=True)


def create_moderators_group_router() -> Router:
    """The staff commands that show no volunteer's identity, for the moderators' group."""
    router = Router(name="moderators_group")
    for observer in (router.message, router.callback_query):
        observer.filter(ModeratorsGroup(), ModeratorOnly())
    router.include_routers(
        triage.create_router(),
        batches.create_router(),
        verdicts.create_router(),
        graffiti_staff.create_router(),
    )
    return router


def create_router() -> Router:
    router = Router(name="groups")
    router.message.filter(GroupChat())
    router.message.register(cmd_in_group, Command(*command_names(VOLUNTEER_COMMANDS)))
    staff = command_names(MODERATOR_COMMANDS) + command_names(ADMIN_COMMANDS)
    router.message.register(staff_cmd_in_group, Command(*staff))
    router.callback_query.filter(GroupChat())
    router.callback_query.register(on_group_button)
    return router
