"""Optional copies of photos on disk ([storage] photo_dir), so evidence survives Telegram.

The originals are kept byte for byte — metadata included — because they are evidence; the bot
never re-sends them (re-sent photos are always stripped, see metadata.py).
"""

import asyncio
import re
from pathlib import Path

_SAFE = re.compile(r"[^A-Za-z0-9_-]")


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".part")
    temporary.write_bytes(data)
    temporary.replace(path)


async def keep_copy(
    photo_dir: Path | None, *, file_unique_id: str, data: bytes, extension: str = "jpg"
) -> str | None:
    """Write the photo under photo_dir/<first two chars>/<id>.<ext>; return the path or None."""
    if photo_dir is None or not data:
        return None
    name = _SAFE.sub("_", file_unique_id) or "photo"
    path = photo_dir / name[:2] / f"{name}.{_SAFE.sub('', extension) or 'bin'}"
    await asyncio.to_thread(_write, path, data)
    return str(path)
