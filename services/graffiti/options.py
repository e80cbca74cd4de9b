"""Graffiti settings as plain values, so services and handlers never import the bot's config."""

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class GraffitiOptions:
    finish_after_minutes: int = 10
    duplicate_distance: int = 8
    same_wall_radius_m: float = 150.0
    max_file_bytes: int = 20 * 1024 * 1024
    # Images with more pixels are refused before decoding (decompression bombs).
    max_pixels: int = 40_000_000
    # None: keep photos only by Telegram file_id.
    photo_dir: Path | None = None
