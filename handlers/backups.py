"""/backup: an administrator gets a consistent copy of the SQLite database as a file.

The copy is made with SQLite's online backup API beside the bot's writes (models/backup.py),
in a thread, so volunteers are not kept waiting. A bot may send files of 50 MB at most; a
larger database is backed up on the server with `python -m bot backup FILE`.
"""

import logging

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, Message
from aiogram.utils.i18n import gettext as _

from handlers.deps import Deps
from models.backup import BackupError
from services.actor import Actor
from services.backups import copy_for_sending
from services.clock import utcnow
from services.roles import is_admin
from views.backups import (
    backup_caption,
    backup_failed,
    backup_not_sqlite,
    backup_too_big,
    making_backup,
)

logger = logging.getLogger(__name__)
UPLOAD_LIMIT_BYTES = 50 * 1024 * 1024


async def cmd_backup(message: Message, *, actor: Actor, deps: Deps) -> None:
    if not is_admin(actor, deps.admin_ids):
        await message.answer(_("This command is for administrators only."))
        return
    if deps.database_file is None:
        await message.answer(backup_not_sqlite())
        return
    await message.answer(making_backup())
    name = f"cvbot-backup-{utcnow():%Y%m%d-%H%M}.db"
    try:
        copy = await copy_for_sending(
            deps.database_file, name=name, limit_bytes=UPLOAD_LIMIT_BYTES
        )
    except (BackupError, OSError):
        logger.exception("/backup failed")
        await message.answer(backup_failed())
        return
    if not copy.fits:
        await message.answer(backup_too_big(copy.size / 2**20))
        return
    caption = backup_caption(copy.counts.get("report", 0), copy.counts.get("volunteer", 0))
    await message.answer_document(BufferedInputFile(copy.data, filename=name), caption=caption)


def create_router() -> Router:
    router = Router(name="backups")
    router.message.register(cmd_backup, Command("backup"))
    return router
