from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from handlers.filters import GroupChat


async def cmd_in_group(message: Message) -> None:
    # Reports in a group would expose who reported what to everyone in it.
    await message.reply(
        _("I take reports only in a private chat: open me and send the link there.")
    )


def create_router() -> Router:
    router = Router(name="groups")
    router.message.filter(GroupChat())
    router.message.register(cmd_in_group, Command("start", "help", "my", "stats", "lang"))
    return router
