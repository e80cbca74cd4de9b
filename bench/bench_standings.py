"""Benchmark: `/stats` (one volunteer's standing and place) and `/top` (the week's and all-time
boards, squads) through the production services, on a generated database.

    python bench/bench_standings.py [--volunteers 3000] [--sightings 1000000] [--baseline 100000]

The database is bench_digest's (twelve weeks of sightings with their reports' histories) with
the kept tallies rebuilt by the production code. Each figure is the median of repeated calls
for different volunteers; the baseline is the same over fewer sightings, in the same run: the
ratio shows how the cost grows with history (kept tallies should make it flat).
"""

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_digest import generate
from bench.kept import keep_tallies
from bench.rows import Row, table
from models.engine import create_engine, create_schema, create_session_maker
from services.leaderboard import overview
from services.standing import standing
from services.tallies import PointWeights
from services.weeks import Week

CALLS = 40


async def _median_ms(call: Callable[[int], Awaitable[object]], volunteers: int) -> float:
    rng = random.Random(7)
    await call(1)  # warm the caches once
    times = []
    for _ in range(CALLS):
        volunteer_id = rng.randint(1, volunteers)
        started = time.perf_counter()
        await call(volunteer_id)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


async def measure(volunteers: int, sightings: int, now: datetime) -> tuple[float, float, float]:
    """Milliseconds for /stats and /top, and seconds the tallies' rebuild took."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        await create_schema(engine)
        await engine.dispose()
        generate(path, volunteers=volunteers, sightings=sightings, now=now)
        rebuilt = await keep_tallies(path)
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        session_maker = create_session_maker(engine)
        weights, week = PointWeights(), Week.of(now)

        async def stats(volunteer_id: int) -> object:
            async with session_maker() as session:
                return await standing(session, volunteer_id=volunteer_id, weights=weights, now=now)

        async def top(volunteer_id: int) -> object:
            async with session_maker() as session:
                return await overview(
                    session, weights=weights, since=week.start, until=week.end,
                    viewer_id=volunteer_id,
                )  # fmt: skip

        try:
            return (
                await _median_ms(stats, volunteers),
                await _median_ms(top, volunteers),
                rebuilt,
            )
        finally:
            await engine.dispose()


async def rows(
    volunteers: int = 3000, sightings: int = 1_000_000, baseline: int = 100_000
) -> list[Row]:
    now = datetime.now(UTC)
    base = await measure(volunteers, baseline, now)
    full = await measure(volunteers, sightings, now)
    size = f"{volunteers:,} volunteers, {sightings:,} sightings"
    return [
        Row(
            measure=f"{name}, {size}",
            figure=f"{full[i]:.1f} ms",
            baseline=f"{baseline:,} sightings: {base[i]:.1f} ms",
            ratio=full[i] / base[i],
            target="≤ 20 ms, ≤ 1.5×",
        )
        for i, name in enumerate(("/stats (standing and place)", "/top (boards and squads)"))
    ] + [
        Row(
            measure=f"rebuild-tallies (whole table from history), {size}",
            figure=f"{full[2]:.1f} s",
            baseline=f"{baseline:,} sightings: {base[2]:.1f} s",
            ratio=full[2] / base[2],
            target="(informative)",
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sizes = {"volunteers": 3000, "sightings": 1_000_000, "baseline": 100_000}
    for name, default in sizes.items():
        parser.add_argument(f"--{name}", type=int, default=default)
    args = vars(parser.parse_args())
    print(table(asyncio.run(rows(*(args[name] for name in sizes)))))


if __name__ == "__main__":
    main()
