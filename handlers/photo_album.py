"""Photos re-sent to moderators: metadata stripped, each labelled, several as one album.

Sending a stored file_id would forward the original file (a document keeps its EXIF, and with
it where a volunteer stood), so every photo is downloaded, re-encoded from its pixels and sent
as new bytes. A photo that cannot be downloaded or decoded is left out; the others still go.
"""

import logging
from dataclasses import dataclass

from aiogram import Bot
from aiogram.types import BufferedInputFile, InputMediaPhoto, Message
from aiogram.utils.i18n import gettext as _
from PIL import Image

from handlers.downloads import DownloadFailedError, download_bytes
from services.photos.metadata import strip_metadata
from services.report_photos import PhotoKind, ReportPhoto

logger = logging.getLogger(__name__)

# Telegram puts at most 10 photos in one album.
MAX_ALBUM = 10
# A photo's caption may be at most 1,024 characters.
MAX_CAPTION = 1024


@dataclass(frozen=True, slots=True)
class LabelledPhoto:
    file_id: str
    label: str


def photo_label(kind: PhotoKind, report_id: int) -> str:
    if kind is PhotoKind.BEFORE:
        text = _("#{id} · before")
    elif kind is PhotoKind.AFTER:
        text = _("#{id} · after")
    elif kind is PhotoKind.CLAIMED_AFTER:
        text = _("#{id} · after, claimed by a volunteer, not confirmed yet")
    else:
        text = _("#{id} · screenshot")
    return text.format(id=report_id)


def labelled(photos: list[ReportPhoto], report_id: int) -> list[LabelledPhoto]:
    return [LabelledPhoto(photo.file_id, photo_label(photo.kind, report_id)) for photo in photos]


async def stripped(bot: Bot, file_id: str) -> bytes | None:
    """The photo's pixels as a fresh JPEG; None if it cannot be downloaded or decoded."""
    try:
        return await strip_metadata(await download_bytes(bot, file_id))
    except DownloadFailedError:
        return None  # logged by download_bytes
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        # One bad or oversized image must not break the report's other photos.
        logger.warning("cannot re-send photo %s: %s", file_id, type(error).__name__)
        return None


async def send_albums(bot: Bot, chat_id: int, photos: list[LabelledPhoto]) -> int:
    """Every photo, in albums of ten; returns how many were sent."""
    sent = 0
    for start in range(0, len(photos), MAX_ALBUM):
        sent += len(await send_album(bot, chat_id, photos[start : start + MAX_ALBUM]))
    return sent


async def send_album(bot: Bot, chat_id: int, photos: list[LabelledPhoto]) -> list[Message]:
    """Send the photos, each with its label as caption: one photo alone, more as an album."""
    ready = []
    for photo in photos[:MAX_ALBUM]:
        data = await stripped(bot, photo.file_id)
        if data is not None:
            ready.append((BufferedInputFile(data, "photo.jpg"), photo.label[:MAX_CAPTION]))
    if not ready:
        return []
    if len(ready) == 1:
        file, label = ready[0]
        return [await bot.send_photo(chat_id, file, caption=label)]
    media = [InputMediaPhoto(media=file, caption=label) for file, label in ready]
    return await bot.send_media_group(chat_id, media=media)  # type: ignore[arg-type]
