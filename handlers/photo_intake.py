"""A volunteer's photo as the graffiti services take it: downloaded once, measured, hashed.

An image over the pixel limit is refused before anything decodes it (see
services/graffiti/pixels.py) and nothing of it is stored.
"""

import logging

from aiogram import Bot
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from handlers.downloads import download_bytes
from handlers.graffiti_filters import largest
from services.graffiti.conversation import PhotoIn
from services.graffiti.options import GraffitiOptions
from services.graffiti.phash import photo_phash
from services.graffiti.pixels import is_oversized
from services.graffiti.storage import keep_copy

logger = logging.getLogger(__name__)


class Oversized:
    """The image has more pixels than [graffiti] max_megapixels."""


def oversized_text(options: GraffitiOptions) -> str:
    return _(
        "This image has more than {limit} megapixels, so it was not saved. Send it as a photo "
        "(not as a file), or a smaller picture."
    ).format(limit=options.max_pixels // 1_000_000)


async def read_photo(
    message: Message, bot: Bot, options: GraffitiOptions, *, with_hash: bool = True
) -> PhotoIn | Oversized:
    """The largest size, its hash and maybe a copy on disk; raises DownloadFailedError."""
    item = largest(message.photo) if message.photo else message.document
    assert item is not None
    data = await download_bytes(bot, item.file_id)
    if data and is_oversized(data, options.max_pixels):
        return Oversized()
    mime = getattr(item, "mime_type", None) or "image/jpeg"
    return PhotoIn(
        file_id=item.file_id,
        file_unique_id=item.file_unique_id,
        message_id=message.message_id,
        phash=await photo_phash(data) if data and with_hash else None,
        photo_path=await keep_copy(
            options.photo_dir,
            file_unique_id=item.file_unique_id,
            data=data,
            extension=mime.split("/")[-1],
        ),
    )
