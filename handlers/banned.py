"""A banned volunteer is answered politely and nothing they send is stored."""

from typing import Any

from aiogram import Router
from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from typing_extensions import override

from services.actor import Actor


class Banned(Filter):
    @override
    async def __call__(self, event: Any, actor: Actor | None = None) -> bool:
        return actor is not None and actor.banned


async def on_banned_message(message: Message) -> None:
    await message.answer(
        _(
            "Your reports are not accepted at the moment. If you think this is a mistake, ask "
            "the coordinator of your volunteer group."
        )
    )


async def on_banned_button(query: CallbackQuery) -> None:
    await query.answer(_("Your reports are not accepted at the moment."), show_alert=True)


def create_router() -> Router:
    router = Router(name="banned")
    router.message.register(on_banned_message, Banned())
    router.edited_message.register(on_banned_message, Banned())
    router.callback_query.register(on_banned_button, Banned())
    return router
