"""Benchmark: the dedup lookup intake makes for a known target, at 1,000,000 targets.

    python bench/bench_dedup.py [--targets 1000000] [--baseline 10000] [--lookups 2000]

Reports are bulk-inserted into a temporary SQLite file (link targets with canonical keys, as
intake stores them); then known keys, picked at random, are looked up one at a time with the
statement intake uses (models/intake_sql.REPORT_BY_KEY) through the production engine and
aiosqlite. Printed: the 99th percentile of one lookup at `--targets` against the same at
`--baseline` targets, measured in the same run.
"""

import argparse
import asyncio
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.rows import Row, table
from models.engine import create_engine, create_schema
from models.intake_sql import REPORT_BY_KEY

STAMP = "2026-11-01 10:00:00.000000"


def key(number: int) -> str:
    return f"web:shop-{number}.example.com/item/{number}"


def generate(path: Path, targets: int) -> None:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous=OFF")
    connection.executemany(
        "INSERT INTO report (id, canonical_key, kind, display, site_key, status, created_at,"
        " status_changed_at) VALUES (?, ?, 'website', ?, ?, 'new', ?, ?)",
        (
            (n, key(n), f"shop-{n}.example.com/item/{n}", f"shop-{n}.example.com", STAMP, STAMP)
            for n in range(1, targets + 1)
        ),
    )
    connection.commit()
    connection.close()


async def p99_lookup(targets: int, lookups: int) -> float:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "dedup.db"
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        await create_schema(engine)
        generate(path, targets)
        statement = REPORT_BY_KEY.statement("sqlite")
        rng = random.Random(7)
        times = []
        async with engine.connect() as connection:
            for _ in range(lookups):
                wanted = key(rng.randint(1, targets))
                started = time.perf_counter()
                row = (await connection.execute(statement, {"key": wanted})).one()
                times.append(time.perf_counter() - started)
                assert row.id is not None
        await engine.dispose()
    times.sort()
    return times[int(len(times) * 0.99)]


async def rows(targets: int = 1_000_000, baseline: int = 10_000, lookups: int = 2000) -> list[Row]:
    small = await p99_lookup(baseline, lookups)
    large = await p99_lookup(targets, lookups)
    return [
        Row(
            measure=f"dedup lookup at {targets:,} targets, p99 of {lookups:,}",
            figure=f"{large * 1000:.2f} ms",
            baseline=f"{baseline:,} targets: {small * 1000:.2f} ms",
            ratio=large / small,
            target="< 2 ms",
        )
    ]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=1_000_000)
    parser.add_argument("--baseline", type=int, default=10_000)
    parser.add_argument("--lookups", type=int, default=2000)
    args = parser.parse_args()
    print(table(await rows(args.targets, args.baseline, args.lookups)))


if __name__ == "__main__":
    asyncio.run(main())
