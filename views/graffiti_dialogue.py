"""The buttons of a graffiti conversation leave the screen when the conversation ends.

The district and «Nothing readable» buttons are inline keyboards on earlier messages; once the
report is saved (or cancelled, or turned into a screenshot) they would only answer "this
conversation has already ended". Their messages are remembered in the FSM data and stripped.
The timeout finisher (bot/jobs/graffiti.py) strips them through this same class, from outside
any update, with an FSMContext it builds for the volunteer's chat.
"""

from collections.abc import Awaitable, Callable

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from views.stale import strip_buttons

# FSM data: [[chat id, message id], …] of the open conversation's messages with buttons.
KEY = "graffiti_keyboards"


class DialogueKeyboards:
    def __init__(self, state: FSMContext, bot: Bot) -> None:
        self.state, self.bot = state, bot

    async def shown(self, message: Message) -> None:
        kept = list((await self.state.get_data()).get(KEY) or [])
        kept.append([message.chat.id, message.message_id])
        await self.state.update_data({KEY: kept[-10:]})

    async def close(self) -> None:
        strip = await self.detach()
        await strip()

    async def detach(self) -> Callable[[], Awaitable[None]]:
        """Forget this conversation's buttons now; the returned call strips them later.

        The timeout finisher strips them paced with its "saved" message, which may wait behind a
        broadcast: by then the volunteer may have opened a new conversation, whose buttons are
        remembered under the same key and must stay.
        """
        kept = (await self.state.get_data()).get(KEY) or []
        if kept:
            await self.state.update_data({KEY: []})

        async def strip() -> None:
            for chat_id, message_id in kept:
                await strip_buttons(self.bot, chat_id=chat_id, message_id=message_id)

        return strip
