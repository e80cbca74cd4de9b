"""The graffiti photo index finds the same near walls as a plain scan over every hash."""

import random

from services.graffiti.photo_index import PhashIndex
from services.photos.hashing import hamming, to_signed


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
