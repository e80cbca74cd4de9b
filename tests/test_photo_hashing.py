"""Perceptual hashes of Pillow-made walls: recompressed or resized is near, another wall is far."""

import io

from services.photos.hashing import hamming, photo_phash
from tests.support.graffiti_helpers import jpeg, wall_image

LIMIT = 8


async def _hash(data: bytes) -> int:
    value = await photo_phash(data)
    assert value is not None
    return value


async def test_recompressed_and_resized_copies_are_near() -> None:
    wall = wall_image(1)
    original = await _hash(jpeg(wall, 95))
    recompressed = await _hash(jpeg(wall, 60))
    resized = await _hash(jpeg(wall.resize((320, 240)), 80))
    assert hamming(original, recompressed) <= LIMIT
    assert hamming(original, resized) <= LIMIT


async def test_different_walls_are_far() -> None:
    hashes = [await _hash(jpeg(wall_image(seed))) for seed in range(2, 8)]
    for i, first in enumerate(hashes):
        for second in hashes[i + 1 :]:
            assert hamming(first, second) > LIMIT


async def test_unreadable_bytes_have_no_hash() -> None:
    assert await photo_phash(b"not an image") is None
    png = io.BytesIO()
    wall_image(3).save(png, format="PNG")
    assert await photo_phash(png.getvalue()) is not None
