"""Benchmark: build the weekly digest (funnel, median, districts, top ten, every volunteer's
week and all-time tallies for the personal messages, the chart) on a generated database.

    python bench/bench_digest.py [--volunteers 3000] [--sightings 1000000] [--baseline 100000]

Data is bulk-inserted into a temporary SQLite file (twelve weeks of sightings, a quarter of
them first finds, a third graffiti, with accept/send/block/paint audit entries); the digest is
then built through the production services on aiosqlite. The baseline is the same digest over
fewer sightings, measured in the same run: the ratio shows how the cost grows. The timed part is
what the weekly run does: freeze the week that just ended, then build (the older chart weeks were
frozen by earlier runs, before the clock starts).
"""

import argparse
import asyncio
import itertools
import random
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.kept import keep_tallies
from bench.rows import Row, table
from models.engine import create_engine, create_schema, create_session_maker
from models.enums import District, ReportStatus, TargetKind
from services.digest.build import build_digest, chart_weeks, personal_numbers
from services.digest.chart import Series, render_png_async
from services.digest.counts import freeze_ended_weeks
from services.tallies import PointWeights, ranks
from services.weeks import Week

S = ReportStatus
FORMAT = "%Y-%m-%d %H:%M:%S.%f"
WEEKS = 12


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(FORMAT)


def generate(path: Path, *, volunteers: int, sightings: int, now: datetime) -> None:
    """Bulk inserts with the sqlite3 module: the fastest way to a million realistic rows."""
    rng = random.Random(42)
    start = now - timedelta(weeks=WEEKS)
    span = (now - start).total_seconds()
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous=OFF")
    connection.executemany(
        "INSERT INTO volunteer (id, telegram_id, first_name, created_at, role, notices_enabled,"
        " is_reachable, public_consent, personal_digest_enabled, nickname)"
        " VALUES (?, ?, ?, ?, 'volunteer', 1, 1, ?, 1, ?)",
        [
            (i, 10_000 + i, f"V{i}", stamp(start), i % 5 == 0, f"nick{i}" if i % 5 == 0 else None)
            for i in range(1, volunteers + 1)
        ],
    )
    report_rows, sighting_rows, audit_rows, graffiti_rows = [], [], [], []
    report_id = 0
    made = 0
    while made < sightings:
        report_id += 1
        graffiti = rng.random() < 1 / 3
        found = start + timedelta(seconds=rng.random() * span * 0.95)
        status, history = _lifecycle(rng, graffiti, found, now)
        finder = rng.randint(1, volunteers)
        copies = min(rng.choice((1, 1, 2, 3, 5, 8)), sightings - made)
        people = {finder, *rng.sample(range(1, volunteers + 1), copies - 1)}
        report_rows.append((
            report_id, None if graffiti else f"key{report_id}",
            (TargetKind.GRAFFITI if graffiti else TargetKind.TELEGRAM).value, f"r{report_id}",
            status.value, stamp(found), stamp(found), finder,
        ))  # fmt: skip
        for offset, volunteer in enumerate(sorted(people, key=lambda v: v != finder)):
            seen = found + timedelta(hours=offset * rng.randint(1, 48))
            sighting_rows.append((report_id, volunteer, 1, 1, "x", stamp(min(seen, now))))
        made += len(people)
        audit_rows += [(report_id, a.value, b.value, stamp(at)) for a, b, at in history]
        if graffiti:
            district = rng.choice(list(District)).value
            graffiti_rows.append((report_id, f"f{report_id}", f"u{report_id}", district))
    connection.executemany(
        "INSERT INTO report (id, canonical_key, kind, display, status, created_at,"
        " status_changed_at, found_by_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        report_rows,
    )
    connection.executemany(
        "INSERT INTO sighting (report_id, volunteer_id, chat_id, message_id, text_as_sent,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?)",
        sighting_rows,
    )
    connection.executemany(
        "INSERT INTO audit_entry (report_id, from_status, to_status, at) VALUES (?, ?, ?, ?)",
        audit_rows,
    )
    connection.executemany(
        "INSERT INTO graffiti (report_id, file_id, file_unique_id, district) VALUES (?, ?, ?, ?)",
        graffiti_rows,
    )
    connection.commit()
    connection.close()


def _lifecycle(
    rng: random.Random, graffiti: bool, found: datetime, now: datetime
) -> tuple[ReportStatus, list[tuple[ReportStatus, ReportStatus, datetime]]]:
    """A plausible path through the lifecycle, each step a few days after the last."""
    path = [S.NEW]
    roll = rng.random()
    if roll < 0.25:
        pass
    elif roll < 0.40:
        path.append(S.REJECTED)
    elif graffiti:
        path += [S.ACCEPTED, S.PAINTED_OVER] if roll < 0.8 else [S.ACCEPTED]
    else:
        path += [S.ACCEPTED, S.SENT, S.BLOCKED][: 1 + int((roll - 0.4) / 0.2)]
    history, moment = [], found
    for before, after in itertools.pairwise(path):
        moment = moment + timedelta(hours=rng.randint(2, 24 * 6))
        if moment >= now:
            return before, history
        history.append((before, after, moment))
    return path[-1], history


async def build(path: Path, now: datetime) -> float:
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    session_maker = create_session_maker(engine)
    week = Week.of(now).previous()
    async with session_maker() as session:
        # Earlier weekly runs froze the chart's older weeks; not part of this run's cost.
        await freeze_ended_weeks(session, chart_weeks(week)[:-1], now=now)
        await session.commit()
    started = time.perf_counter()
    async with session_maker() as session:
        # What the weekly run does: freeze the week that just ended, then build.
        await freeze_ended_weeks(session, chart_weeks(week), now=now)
        await session.commit()
        digest = await build_digest(session, week=week, weights=PointWeights())
        numbers = await personal_numbers(
            session, week=week, weights=PointWeights(), week_tallies=digest.tallies
        )
    ranks(numbers.points(all_time=True))
    ranks(numbers.points(all_time=False))
    history = [counts for _week, counts in digest.history]
    await render_png_async(
        title="bench",
        weeks=[w.key for w, _ in digest.history],
        series=[Series("links", [c.links for c in history])],
    )
    elapsed = time.perf_counter() - started
    await engine.dispose()
    return elapsed


async def measure(volunteers: int, sightings: int, now: datetime) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        await create_schema(engine)
        await engine.dispose()
        started = time.perf_counter()
        generate(path, volunteers=volunteers, sightings=sightings, now=now)
        # The digest reads the kept tallies: filled as the bot keeps them (not timed).
        await keep_tallies(path)
        generated = time.perf_counter() - started
        return generated, await build(path, now)


async def rows(
    volunteers: int = 3000, sightings: int = 1_000_000, baseline: int = 100_000
) -> list[Row]:
    now = datetime.now(UTC)
    _generated, base = await measure(volunteers, baseline, now)
    _generated, full = await measure(volunteers, sightings, now)
    return [
        Row(
            measure=f"digest build, {volunteers:,} volunteers, {sightings:,} sightings",
            figure=f"{full:.2f} s",
            baseline=f"{baseline:,} sightings: {base:.2f} s",
            ratio=full / base,
            target="≤ 1 s",
        )
    ]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--volunteers", type=int, default=3000)
    parser.add_argument("--sightings", type=int, default=1_000_000)
    parser.add_argument("--baseline", type=int, default=100_000)
    args = parser.parse_args()
    print(table(await rows(args.volunteers, args.sightings, args.baseline)))


if __name__ == "__main__":
    asyncio.run(main())
