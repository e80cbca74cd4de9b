"""A volunteer's photo as the graffiti services take it: downloaded once, measured, hashed.

An image over the pixel limit is refused before anything decodes it (see
services/photos/pixel_limit.py) and nothing of it is stored; a failed download asks for the photo
again. Either way the volunteer hears why, so the callers only go on with a photo they got.
"""

import logging

from aiogram import Bot
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from handlers.downloads import DownloadFailedError, download_bytes, please_send_again
from handlers.graffiti_filters import largest
from services.graffiti.conversation import PhotoIn
from services.graffiti.options import GraffitiOptions
from services.photos.disk_copies import keep_copy
from services.photos.hashing import photo_phash
from services.photos.pixel_limit import is_oversized

logger = logging.getLogger(__name__)


def oversized_text(options: GraffitiOptions) -> str:
    return _(
        "This image has more than {limit} megapixels, so it was not saved. Send it as a photo "
        "(not as a file), or a smaller picture."
    ).format(limit=options.max_pixels // 1_000_000)


async def read_photo(
    message: Message, bot: Bot, options: GraffitiOptions, *, with_hash: bool = True
) -> PhotoIn | None:
    """The largest size, its hash and maybe a copy on disk; None once the refusal is sent."""
    item = largest(message.photo) if message.photo else message.document
    assert item is not None
    try:
        data = await download_bytes(bot, item.file_id)
    except DownloadFailedError:
        await message.reply(please_send_again())
        return None
    if data and is_oversized(data, options.max_pixels):
        await message.reply(oversized_text(options))
        return None
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
