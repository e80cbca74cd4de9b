"""Downloading a volunteer's or moderator's file from Telegram, with one kind of failure.

A download is two calls (getFile, then the file URL), and either can fail: a Bot API error, an
HTTP error from the file server (whose URL contains the bot token), a timeout, a dropped
connection. Callers catch DownloadFailedError and tell the user to send the file again, instead of
an exception reaching the error handler and the file being lost silently.
"""

import io
import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import Downloadable
from aiogram.utils.i18n import gettext as _
from aiohttp import ClientError

logger = logging.getLogger(__name__)


def please_send_again() -> str:
    return _("Telegram did not give me your file, so nothing was saved. Please send it again.")


class DownloadFailedError(Exception):
    """Telegram did not give us the file; the user should send it again."""


async def download_bytes(bot: Bot, file: str | Downloadable, *, limit: int | None = None) -> bytes:
    """The file's bytes (at most `limit` + 1 of them, so a caller can tell it was too big)."""
    file_id = file if isinstance(file, str) else file.file_id
    try:
        found = await bot.get_file(file_id)
        if found.file_path is None:  # Telegram gives no path for files over 20 MB
            raise DownloadFailedError
        stream = await bot.download_file(found.file_path, destination=io.BytesIO())
    except (TimeoutError, TelegramAPIError, ClientError, OSError) as error:
        # The error's text may hold the file URL; bot/log_redaction.py removes the token.
        logger.warning("download of %s failed: %s", file_id, error)
        raise DownloadFailedError from error
    if stream is None:
        raise DownloadFailedError
    return stream.read() if limit is None else stream.read(limit + 1)
