"""Buttons that no longer lead anywhere are taken off the screen, not left to be pressed."""

from contextlib import suppress

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, Message


async def strip_buttons(bot: Bot, *, chat_id: int, message_id: int) -> None:
    # Already without buttons, deleted or too old to edit: nothing is left to tidy then.
    with suppress(TelegramBadRequest):
        await bot.edit_message_reply_markup(
            chat_id=chat_id, message_id=message_id, reply_markup=None
        )


async def strip_pressed(query: CallbackQuery, bot: Bot) -> None:
    """Take the buttons off the message whose button was just pressed."""
    if isinstance(query.message, Message):
        await strip_buttons(
            bot, chat_id=query.message.chat.id, message_id=query.message.message_id
        )
