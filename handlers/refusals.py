"""What volunteers hear when they try a staff command or press a button not meant for them.

These handlers run only when the staff routers (gated by the role in the database) did not
take the update, so reaching them means "not allowed" or "no longer valid".
"""

import re

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from views.menu import ADMIN_COMMANDS, MODERATOR_COMMANDS, command_names
from views.stale import strip_pressed


async def on_staff_command(message: Message) -> None:
    await message.answer(_("This command is for moderators only."))


async def on_unknown_command(message: Message) -> None:
    await message.answer(_("I do not know this command. /help lists what I can do."))


async def on_stale_button(query: CallbackQuery, bot: Bot) -> None:
    await query.answer(_("This button is not available to you."), show_alert=True)
    # Nothing on that message will work for this person any more: take the buttons away.
    await strip_pressed(query, bot)


def create_router() -> Router:
    router = Router(name="refusals")
    staff = command_names(MODERATOR_COMMANDS) + command_names(ADMIN_COMMANDS)
    router.message.register(on_staff_command, Command(*staff))
    # Any other /command: this router sits after every router that handles real commands.
    router.message.register(on_unknown_command, Command(re.compile(r".+")))
    router.callback_query.register(on_stale_button)
    return router
