"""Turn a Telegram message into link candidates: text, entities and forward origin."""

from aiogram.enums import MessageEntityType
from aiogram.types import Message, MessageOriginChannel

from services.extraction import LinkSpan, find_links
from services.words import words_of

_LINK_ENTITIES = {MessageEntityType.URL, MessageEntityType.TEXT_LINK, MessageEntityType.MENTION}


def _python_index(utf16: bytes, offset: int) -> int:
    # Telegram counts entity offsets in UTF-16 code units; Python strings count code points.
    return len(utf16[: offset * 2].decode("utf-16-le", errors="ignore"))


def link_spans(message: Message) -> tuple[str, list[LinkSpan]]:
    text = message.text or message.caption or ""
    entities = message.entities or message.caption_entities or []
    utf16 = text.encode("utf-16-le")
    spans = []
    for entity in entities:
        if entity.type not in _LINK_ENTITIES:
            continue
        start = _python_index(utf16, entity.offset)
        end = _python_index(utf16, entity.offset + entity.length)
        value = entity.url if entity.type == MessageEntityType.TEXT_LINK else text[start:end]
        if value:
            spans.append(LinkSpan(start=start, end=end, value=value))
    return text, spans


def forwarded_channel_post(message: Message) -> str | None:
    """The public link of a post forwarded from a channel, if the channel has a username."""
    origin = message.forward_origin
    if isinstance(origin, MessageOriginChannel) and origin.chat.username:
        return f"https://t.me/{origin.chat.username}/{origin.message_id}"
    return None


def is_forward_from_private_channel(message: Message) -> bool:
    origin = message.forward_origin
    return isinstance(origin, MessageOriginChannel) and not origin.chat.username


def message_words(message: Message) -> str | None:
    """What the volunteer (or the forwarded post) said around the links, links taken out."""
    return words_of(*link_spans(message))


def message_links(message: Message) -> list[str]:
    text, spans = link_spans(message)
    links = find_links(text, spans)
    forwarded = forwarded_channel_post(message)
    if forwarded is not None and forwarded not in links:
        links.insert(0, forwarded)
    return links
