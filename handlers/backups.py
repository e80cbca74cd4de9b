"""/backup: an administrator gets a consistent copy of the SQLite database as a file.

The copy is made with SQLite's online backup API beside the bot's writes (models/backup.py),
in a thread, so volunteers are not kept waiting. A bot may send files of 50 MB at most; a
larger database is backed up on the server with `python -m bot backup FILE`.
"""

import asyncio
import logging
import tempfile
from pathlib import Path

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, Message
from aiogram.utils.i18n import gettext as _

from handlers.deps import Deps
from models.backup import BackupError, snapshot, table_counts
from services.actor import Actor
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
    with tempfile.TemporaryDirectory(prefix="cvbot-backup-") as folder:
        try:
            copy = await asyncio.to_thread(_copy, deps.database_file, Path(folder) / name)
        except (BackupError, OSError):
            logger.exception("/backup failed")
            await message.answer(backup_failed())
            return
    if copy is None:
        await message.answer(backup_too_big(deps.database_file.stat().st_size / 2**20))
        return
    data, counts = copy
    caption = backup_caption(counts.get("report", 0), counts.get("volunteer", 0))
    await message.answer_document(BufferedInputFile(data, filename=name), caption=caption)


def _copy(database: Path, target: Path) -> tuple[bytes, dict[str, int]] | None:
    """The copy's bytes and row counts; None when it is too big to send."""
    if snapshot(database, target) > UPLOAD_LIMIT_BYTES:
        return None
    return target.read_bytes(), table_counts(target)


def create_router() -> Router:
    router = Router(name="backups")
    router.message.register(cmd_backup, Command("backup"))
    return router
