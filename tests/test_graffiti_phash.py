"""Perceptual hashes of Pillow-made walls: recompressed or resized is near, another wall is far."""

import io
import random

from services.graffiti.phash import PhashIndex, hamming, photo_phash, to_signed
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


def test_index_agrees_with_a_plain_scan() -> None:
    rng = random.Random(7)
    hashes = [to_signed(rng.getrandbits(64)) for _ in range(5000)]
    index = PhashIndex()
    index.extend(hashes[:2500], list(range(2500)))
    for position, value in enumerate(hashes[2500:], start=2500):
        index.add(value, position)  # appended one by one, as after each commit
    query = hashes[1234] ^ 0b1011  # three bits away from report 1234
    expected = sorted(
        (hamming(query, value), report)
        for report, value in enumerate(hashes)
        if hamming(query, value) <= 20
    )
    found = index.search(query, 20)
    assert [(m.distance, m.report_id) for m in found] == expected
    assert found[0].report_id == 1234
    assert found[0].distance == 3
    assert len(index) == 5000
