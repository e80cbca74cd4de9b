"""Near-duplicate search at scale: `python bench/bench_phash.py [N]` (default 1,000,000 hashes).

Prints the index's time per query and the ratio against a plain Python loop over the same
hashes, both measured in this run.
"""

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


from bench.rows import Row, table
from services.graffiti.photo_index import PhashIndex
from services.photos.hashing import to_signed

DISTANCE = 8


def naive(hashes: list[int], query: int) -> list[int]:
    mask = (1 << 64) - 1
    return [
        i for i, value in enumerate(hashes) if ((value ^ query) & mask).bit_count() <= DISTANCE
    ]


def rows(size: int = 1_000_000) -> list[Row]:
    rng = random.Random(1)
    hashes = [to_signed(rng.getrandbits(64)) for _ in range(size)]
    index = PhashIndex()
    index.extend(hashes, list(range(size)))
    queries = [hashes[rng.randrange(size)] ^ rng.getrandbits(4) for _ in range(200)]

    index.search(queries[0], DISTANCE)  # warm-up
    timings = []
    for query in queries:
        started = time.perf_counter()
        index.search(query, DISTANCE)
        timings.append(time.perf_counter() - started)
    indexed = statistics.median(timings)

    naive_timings = []
    for query in queries[:5]:
        started = time.perf_counter()
        naive(hashes, query)
        naive_timings.append(time.perf_counter() - started)
    baseline = statistics.median(naive_timings)

    assert sorted(m.report_id for m in index.search(queries[1], DISTANCE)) == naive(
        hashes, queries[1]
    )
    return [
        Row(
            measure=f"photo-hash search at {size:,} hashes, median per query",
            figure=f"{indexed * 1000:.2f} ms",
            baseline=f"plain Python loop: {baseline * 1000:.0f} ms",
            ratio=indexed / baseline,
            target="< 5 ms",
        )
    ]


def main() -> None:
    print(table(rows(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)))


if __name__ == "__main__":
    main()
