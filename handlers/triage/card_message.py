"""A queue card on screen: a text message, or — when the report has a photo — the photo itself
(metadata stripped) with the card as its caption, so moderators never judge a wall blind.

Telegram cannot turn a text message into a photo (or back) by editing, so a card that changes
kind is sent as a new message and the old one loses its buttons.
"""

from dataclasses import dataclass

from aiogram import Bot
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message

from handlers.photo_album import MAX_CAPTION, stripped
from views.stale import strip_pressed


@dataclass(frozen=True, slots=True)
class Card:
    text: str
    keyboard: InlineKeyboardMarkup | None = None
    # The report's first photo (a wall, or a screenshot), shown with the card.
    photo_file_id: str | None = None

    def with_prefix(self, prefix: str | None) -> "Card":
        if not prefix:
            return self
        return Card(f"{prefix}\n\n{self.text}", self.keyboard, self.photo_file_id)


def split_caption(text: str, limit: int = MAX_CAPTION) -> tuple[str, str]:
    """The lines that fit in a photo's caption, and the rest (sent as a message after it)."""
    head: list[str] = []
    size = 0
    lines = text.split("\n")
    for index, line in enumerate(lines):
        size += len(line) + 1
        if size > limit:
            return "\n".join(head), "\n".join(lines[index:])
        head.append(line)
    return text, ""


async def send_card(bot: Bot, chat_id: int, card: Card) -> Message:
    """Send the card; returns the message that carries its buttons."""
    data = await stripped(bot, card.photo_file_id) if card.photo_file_id else None
    if data is None:
        return await bot.send_message(chat_id, card.text, reply_markup=card.keyboard)
    caption, rest = split_caption(card.text)
    photo = BufferedInputFile(data, "photo.jpg")
    if not rest:
        return await bot.send_photo(chat_id, photo, caption=caption, reply_markup=card.keyboard)
    # The buttons go under the last part, where the moderator finishes reading.
    await bot.send_photo(chat_id, photo, caption=caption)
    return await bot.send_message(chat_id, rest, reply_markup=card.keyboard)


async def replace_card(query: CallbackQuery, bot: Bot, card: Card) -> Message | None:
    """Show `card` in place of the one whose button was pressed; the new message, if one was
    sent (None when the card was edited in place)."""
    message = query.message if isinstance(query.message, Message) else None
    if message is None:
        return None
    if card.photo_file_id is None and message.photo is None:
        # A double press renders the same card again: bot/unchanged_edits.py.
        await message.edit_text(card.text, reply_markup=card.keyboard)
        return None
    await strip_pressed(query, bot)
    return await send_card(bot, message.chat.id, card)
