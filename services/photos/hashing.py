"""Perceptual hashes (pHash): near-identical photos get hashes a few bits apart.

Hashes are 64-bit and stored as a signed BIGINT; hamming() counts the bits two hashes differ in.
"""

import asyncio

import imagehash
from PIL import Image

from services.photos.pixel_limit import open_checked

_MASK = (1 << 64) - 1


def to_signed(value: int) -> int:
    """A 64-bit hash as the signed BIGINT the database stores."""
    value &= _MASK
    return value - (1 << 64) if value >= 1 << 63 else value


def _phash_sync(data: bytes) -> int:
    with open_checked(data) as image:
        bits = imagehash.phash(image.convert("L")).hash.flatten()
    return to_signed(int("".join("1" if bit else "0" for bit in bits), 2))


async def photo_phash(data: bytes) -> int | None:
    """The photo's 64-bit pHash (signed), computed in a worker thread; None if unreadable."""
    try:
        return await asyncio.to_thread(_phash_sync, data)
    except (OSError, ValueError, Image.DecompressionBombError):
        return None


def hamming(a: int, b: int) -> int:
    return ((a ^ b) & _MASK).bit_count()
