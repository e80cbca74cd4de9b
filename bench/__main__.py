"""`python -m bench [--quick]`: every benchmark, one table of figures, baselines and ratios.

Each benchmark measures its baseline in the same run, on the same machine, so the ratio holds
even when the machine is busy. `--quick` uses a tenth of the data (for trying the runner; the
README's table comes from a full run).
"""

import argparse
import asyncio
import sys
import time

from bench import (
    bench_broadcast,
    bench_dedup,
    bench_digest,
    bench_intake,
    bench_load,
    bench_phash,
    bench_probe,
    bench_roundtrip,
    bench_standings,
)
from bench.rows import Row, table


async def run(quick: bool) -> list[Row]:
    scale = 10 if quick else 1
    results: list[Row] = []
    steps = [
        ("intake", lambda: bench_intake.rows(2000 // scale)),
        ("roundtrip", lambda: bench_roundtrip.rows(300 // scale)),
        ("dedup", lambda: bench_dedup.rows(1_000_000 // scale, 10_000)),
        ("digest", lambda: bench_digest.rows(3000, 1_000_000 // scale, 100_000 // scale)),
        ("standings", lambda: bench_standings.rows(3000, 1_000_000 // scale, 100_000 // scale)),
        ("broadcast", lambda: bench_broadcast.rows(3000 // scale)),
        ("load", lambda: bench_load.rows(200_000 // scale, 300 // scale)),
        ("probe", lambda: bench_probe.rows(10_000 // scale)),
    ]
    for name, step in steps:
        started = time.monotonic()
        results += await step()
        print(f"{name}: done in {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    started = time.monotonic()
    results += bench_phash.rows(1_000_000 // scale)
    print(f"phash: done in {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    print(table(asyncio.run(run(args.quick))))


if __name__ == "__main__":
    main()
