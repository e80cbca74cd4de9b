"""Benchmark: link replies while ten volunteers ask /stats and a moderator uploads a 5,000-line
/blocked list, against the same stream of links alone.

    python bench/bench_load.py [--sightings 200000] [--links 300]

A SQLite file (the production default) is seeded in bulk: 3,000 volunteers, `--sightings`
sightings over twelve weeks, 5,000 sent reports that the /blocked list names. Volunteers then
send new links at a steady 25 messages a second through the dispatcher `python -m bot` builds
(with its read engine), answered by a recording session. The measure is that stream while ten
/stats (ten volunteers) and the /blocked file run, from the moment they start until the last
of them is answered (at least `--links` links); the baseline is as many links again, alone,
right after, on the same database. Printed: p50 and p99 of a link's reply time
(from feeding the update to its answer) and the links that failed (no "#N — …" reply, or an
error). Target: p99 ≤ 3× alone, no failures.
"""

import argparse
import asyncio
import gc
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiogram import Bot, Dispatcher
from aiogram.methods import SendMessage
from aiogram.types import Update

from bench.rows import Row, table
from bot.config import Settings
from bot.factory import create_bot, create_dispatcher
from bot.i18n import create_i18n
from models.engine import create_engine, create_read_engine, create_schema, create_session_maker
from tests.support.accounts import ADMIN_ID, TEST_TOKEN
from tests.support.recording_session import RecordingSession

VOLUNTEERS = 3000
SENT_REPORTS = 5000  # the /blocked list names each of them
ASKERS = 10
WARM_UP = 30
RATE = 25.0  # link messages a second, from volunteers taking turns
FIRST_SENDER = 5_000_200_000
FIRST_ASKER = 5_000_300_000
FORMAT = "%Y-%m-%d %H:%M:%S.%f"
ANSWERED = re.compile(r"#\d+ — ")


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(FORMAT)


def seed(path: Path, *, sightings: int) -> None:
    """Bulk inserts with the sqlite3 module: the fastest way to a big, plausible database."""
    rng = random.Random(8)
    now = datetime.now(UTC)
    start = now - timedelta(weeks=12)
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous=OFF")
    connection.executemany(
        "INSERT INTO volunteer (id, telegram_id, first_name, created_at, role, notices_enabled,"
        " is_reachable, public_consent, personal_digest_enabled)"
        " VALUES (?, ?, ?, ?, 'volunteer', 1, 1, 0, 1)",
        [(i, 5_000_000_000 + i, f"V{i}", stamp(start)) for i in range(1, VOLUNTEERS + 1)],
    )
    reports = max(SENT_REPORTS, sightings // 3)
    report_rows, sighting_rows = [], []
    for report_id in range(1, reports + 1):
        found = start + timedelta(seconds=rng.random() * 12 * 7 * 86400)
        status = "sent" if report_id <= SENT_REPORTS else rng.choice(["new", "accepted"])
        finder = rng.randint(1, VOLUNTEERS)
        key = f"seed{report_id}.kz"
        report_rows.append(
            (report_id, key, "website", key, key, status, stamp(found), stamp(found), finder)
        )
        for volunteer in {finder, rng.randint(1, VOLUNTEERS), rng.randint(1, VOLUNTEERS)}:
            sighting_rows.append((report_id, volunteer, 1, 1, "x", stamp(found)))
    connection.executemany(
        "INSERT INTO report (id, canonical_key, kind, display, site_key, status, created_at,"
        " status_changed_at, found_by_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        report_rows,
    )
    connection.executemany(
        "INSERT INTO sighting (report_id, volunteer_id, chat_id, message_id, text_as_sent,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?)",
        sighting_rows[:sightings],
    )
    connection.commit()
    connection.close()


class Feeder:
    """Real updates into the dispatcher, with ids of their own."""

    def __init__(self, dispatcher: Dispatcher, bot: Bot) -> None:
        self.dispatcher, self.bot = dispatcher, bot
        self.next_id = 0

    def update(self, user: int, **message: Any) -> Update:
        self.next_id += 1
        raw = {
            "update_id": self.next_id,
            "message": {
                "message_id": self.next_id,
                "date": int(time.time()),
                "chat": {"id": user, "type": "private"},
                "from": {"id": user, "is_bot": False, "first_name": "V", "language_code": "en"},
                **message,
            },
        }
        return Update.model_validate(raw, context={"bot": self.bot})

    async def feed(self, update: Update) -> None:
        await self.dispatcher.feed_update(self.bot, update)


async def stream(feeder: Feeder, *, first: int, links: int, busy: asyncio.Event) -> list[float]:
    """`links` link messages at RATE a second (more while `busy` is set): each reply's time."""
    latencies: list[float] = []

    async def one(number: int) -> None:
        user = FIRST_SENDER + number % 100
        update = feeder.update(user, text=f"https://load-{first + number}.kz/p")
        started = time.perf_counter()
        await feeder.feed(update)
        latencies.append(time.perf_counter() - started)

    tasks, number, started = [], 0, time.perf_counter()
    while number < links or busy.is_set():
        # Paced by the clock, not by the replies: volunteers do not wait for one another.
        await asyncio.sleep(max(0.0, started + number / RATE - time.perf_counter()))
        tasks.append(asyncio.create_task(one(number)))
        number += 1
    await asyncio.gather(*tasks)
    return latencies


async def heavy(feeder: Feeder, session: RecordingSession, busy: asyncio.Event) -> None:
    """Ten /stats and a 5,000-line /blocked file, all at once."""
    data = "".join(f"https://seed{n}.kz\n" for n in range(1, SENT_REPORTS + 1)).encode()
    session.add_file("blocked-list", data)
    document = {
        "file_id": "blocked-list",
        "file_unique_id": "ublocked-list",
        "file_name": "blocked.txt",
        "mime_type": "text/plain",
        "file_size": len(data),
    }
    jobs = [feeder.feed(feeder.update(FIRST_ASKER + n, text="/stats")) for n in range(ASKERS)]
    jobs.append(feeder.feed(feeder.update(ADMIN_ID, caption="/blocked", document=document)))
    try:
        await asyncio.gather(*jobs)
    finally:
        busy.clear()


def failures(session: RecordingSession, sent: int) -> int:
    """Link messages without their "#N — …" reply (an error reply, or none)."""
    answered = sum(
        1
        for request in session.requests
        if isinstance(request, SendMessage)
        and isinstance(request.chat_id, int)
        and FIRST_SENDER <= request.chat_id < FIRST_SENDER + 100
        and ANSWERED.match(request.text or "")
    )
    return sent - answered


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def measure(sightings: int, links: int) -> tuple[list[float], list[float], int]:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        engine = create_engine(url)
        await create_schema(engine)
        await engine.dispose()
        seed(Path(folder) / "bench.db", sightings=sightings)
        engine, read_engine = create_engine(url), create_read_engine(url)
        assert read_engine is not None
        settings = Settings(
            telegram={"token": TEST_TOKEN}, database={"url": url}, access={"admins": [ADMIN_ID]}
        )
        dispatcher = create_dispatcher(
            settings=settings,
            session_maker=create_session_maker(engine),
            i18n=create_i18n(),
            read_session_maker=create_session_maker(read_engine),
        )
        session = RecordingSession()
        feeder = Feeder(dispatcher, create_bot(settings, session=session))
        idle = asyncio.Event()
        await stream(feeder, first=-WARM_UP, links=WARM_UP, busy=idle)  # first calls compile
        gc.freeze()  # as python -m bot does once started
        busy = asyncio.Event()
        busy.set()
        loaded, _ = await asyncio.gather(
            stream(feeder, first=0, links=links, busy=busy), heavy(feeder, session, busy)
        )
        # As many links again, alone: the same stream, as long, on the same database.
        alone = await stream(feeder, first=len(loaded), links=len(loaded), busy=idle)
        failed = failures(session, WARM_UP + len(alone) + len(loaded))
        await read_engine.dispose()
        await engine.dispose()
        return alone, loaded, failed


async def rows(sightings: int = 200_000, links: int = 300) -> list[Row]:
    alone, loaded, failed = await measure(sightings, links)
    p99_alone, p99_loaded = percentile(alone, 0.99), percentile(loaded, 0.99)
    return [
        Row(
            measure=(
                f"link replies while 10 /stats and a 5,000-line /blocked run ({sightings:,} "
                f"sightings, {len(loaded)} links; failures {failed}), p99 "
                f"(p50 {statistics.median(loaded) * 1000:.1f} ms)"
            ),
            figure=f"{p99_loaded * 1000:.1f} ms",
            baseline=(
                f"the same stream alone: p99 {p99_alone * 1000:.1f} ms "
                f"(p50 {statistics.median(alone) * 1000:.1f} ms)"
            ),
            ratio=p99_loaded / p99_alone,
            target="≤ 3, 0 failures",
        )
    ]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sightings", type=int, default=200_000)
    parser.add_argument("--links", type=int, default=300)
    args = parser.parse_args()
    result = await rows(args.sightings, args.links)
    print(table(result))


if __name__ == "__main__":
    asyncio.run(main())
