"""A copy of the SQLite database to hand to an administrator (/backup), made in a thread so the
bot keeps answering, in a temporary folder that is gone when the copy has been read."""

import asyncio
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from models.backup import snapshot, table_counts


@dataclass(frozen=True, slots=True)
class DatabaseCopy:
    """The copy's bytes and rows per table; `data` empty when it was larger than the limit."""

    size: int
    data: bytes = b""
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def fits(self) -> bool:
        return bool(self.data)


async def copy_for_sending(database: Path, *, name: str, limit_bytes: int) -> DatabaseCopy:
    """A consistent copy of `database` (models/backup.py); BackupError or OSError if none."""
    return await asyncio.to_thread(_copy, database, name, limit_bytes)


def _copy(database: Path, name: str, limit_bytes: int) -> DatabaseCopy:
    with tempfile.TemporaryDirectory(prefix="cvbot-backup-") as folder:
        target = Path(folder) / name
        size = snapshot(database, target)
        if size > limit_bytes:
            return DatabaseCopy(size)
        return DatabaseCopy(size, target.read_bytes(), table_counts(target))
