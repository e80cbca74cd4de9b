"""Heavy reads never starve intake: ten /stats at once on a big database, links keep being saved.

Issue 8 measured what happened before: ten volunteers asking /stats held the connections intake
needed, and other volunteers' links failed ("something went wrong"). Here the database is
seeded large (bulk inserts), ten volunteers ask /stats while others send links, all through the
dispatcher; every link must be saved and answered as usual. No timing: what is asserted is what
volunteers see and what the database holds (bench/bench_load.py measures the latencies).
"""

import asyncio
import random
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

import handlers.stats
from models.engine import HEAVY_READ_CONNECTIONS
from models.enums import ReportStatus, Role, TargetKind
from models.report import Report, Sighting
from models.volunteer import Volunteer
from services.clock import utcnow
from services.heavy_reads import HeavyReads
from tests.support.client import BotClient, text, texts
from tests.support.fake_clock import FrozenClock
from tests.support.recording_session import RecordingSession
from tests.support.telegram_ids import tg_id

SEED_VOLUNTEERS = 600
SEED_REPORTS = 10_000
SEED_SIGHTINGS_PER_REPORT = 3
ASKERS = 10
SENDERS = 5
LINKS_EACH = 8
SAVED = re.compile(r"#\d+ — new report, thank you\n")


async def seed(engine: AsyncEngine) -> None:
    """A city's database in miniature: volunteers, reports in every status, sightings spread
    over twelve weeks — written in bulk, not through the bot."""
    rng = random.Random(8)
    now = utcnow()
    statuses = [ReportStatus.NEW, ReportStatus.ACCEPTED, ReportStatus.SENT, ReportStatus.BLOCKED]
    async with engine.begin() as connection:
        await connection.execute(
            insert(Volunteer),
            [
                {
                    "telegram_id": tg_id(600_000 + n),
                    "first_name": f"V{n}",
                    "created_at": now - timedelta(weeks=12),
                    "role": Role.VOLUNTEER,
                    "notices_enabled": True,
                    "is_reachable": True,
                    "public_consent": n % 5 == 0,
                    "personal_digest_enabled": True,
                    "nickname": f"nick{n}" if n % 5 == 0 else None,
                }
                for n in range(SEED_VOLUNTEERS)
            ],
        )
        volunteer_ids = list((await connection.execute(select(Volunteer.id))).scalars())
        hours = [rng.randint(1, 12 * 7 * 24) for _ in range(SEED_REPORTS)]
        found_at = [now - timedelta(hours=h) for h in hours]
        await connection.execute(
            insert(Report),
            [
                {
                    "canonical_key": f"seeded-{n}.kz",
                    "site_key": f"seeded-{n}.kz",
                    "kind": TargetKind.WEBSITE,
                    "display": f"seeded-{n}.kz",
                    "status": rng.choice(statuses),
                    "created_at": found_at[n],
                    "status_changed_at": found_at[n],
                    "found_by_id": rng.choice(volunteer_ids),
                }
                for n in range(SEED_REPORTS)
            ],
        )
        reports = (await connection.execute(select(Report.id, Report.created_at))).all()
        await connection.execute(
            insert(Sighting),
            [
                {
                    "report_id": report_id,
                    "volunteer_id": volunteer_id,
                    "chat_id": tg_id(1),
                    "message_id": 1,
                    "text_as_sent": "x",
                    "created_at": created_at + timedelta(hours=offset),
                }
                for report_id, created_at in reports
                for offset, volunteer_id in enumerate(
                    rng.sample(volunteer_ids, SEED_SIGHTINGS_PER_REPORT)
                )
            ],
        )


async def send_links(sender: BotClient, number: int) -> list[tuple[str, str]]:
    """(link, the reply in the sender's chat) for each link, one message after another."""
    sent = []
    for k in range(LINKS_EACH):
        link = f"https://load-{number}-{k}.kz/shop"
        sent.append((link, text(await sender.send(link), chat_id=sender.user_id)))
    return sent


async def saved_keys(db: AsyncSession, sender: BotClient) -> set[str]:
    rows = await db.exec(
        select(Report.canonical_key)
        .join(Sighting, col(Sighting.report_id) == col(Report.id))
        .join(Volunteer, col(Volunteer.id) == col(Sighting.volunteer_id))
        .where(Volunteer.telegram_id == sender.user_id)
    )
    return {key for key in rows.all() if key is not None}


async def test_links_are_saved_while_ten_volunteers_ask_stats(
    client: BotClient, engine: AsyncEngine, db: AsyncSession, fake_session: RecordingSession
) -> None:
    await seed(engine)
    askers = [client.as_user(610_000 + n, language_code="en") for n in range(ASKERS)]
    senders = [client.as_user(620_000 + n, language_code="en") for n in range(SENDERS)]
    results: list[Any] = await asyncio.gather(
        *(asker.send("/stats") for asker in askers),
        *(send_links(sender, n) for n, sender in enumerate(senders)),
    )
    stats_replies, link_replies = results[:ASKERS], results[ASKERS:]
    for asker, requests in zip(askers, stats_replies, strict=True):
        assert "Your numbers" in text(requests, chat_id=asker.user_id)
    for sender, sent in zip(senders, link_replies, strict=True):
        for link, reply in sent:
            assert SAVED.match(reply), (link, reply)
        assert await saved_keys(db, sender) == {
            link.removeprefix("https://") for link, _reply in sent
        }
    assert not [shown for shown in texts(fake_session.requests) if "went wrong" in shown]


async def test_stats_hold_no_connection_intake_needs(
    client: BotClient,
    engine: AsyncEngine,
    db: AsyncSession,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """While ten /stats are still reading, none of them holds a connection of the main pool, and
    links are saved and answered meanwhile."""
    gate = asyncio.Event()
    reading = asyncio.Condition()
    entered = 0
    real = handlers.stats.standing

    async def held_open(session: AsyncSession, **kwargs: Any) -> Any:
        nonlocal entered
        async with reading:
            entered += 1
            reading.notify_all()
        await gate.wait()
        return await real(session, **kwargs)

    handed_back = 0
    real_session = HeavyReads.session

    @asynccontextmanager
    async def counted(
        self: HeavyReads, *, instead_of: AsyncSession | None = None
    ) -> AsyncIterator[AsyncSession]:
        nonlocal handed_back
        if instead_of is not None:
            await instead_of.close()
        async with reading:
            handed_back += 1
            reading.notify_all()
        async with real_session(self) as session:
            yield session

    monkeypatch.setattr(handlers.stats, "standing", held_open)
    monkeypatch.setattr(HeavyReads, "session", counted)
    askers = [client.as_user(630_000 + n, language_code="en") for n in range(ASKERS)]
    asking = [asyncio.create_task(asker.send("/stats")) for asker in askers]
    async with reading:
        # Every asker has given its update's connection back (intake is fast enough to finish
        # the links below before a late asker gets that far).
        await reading.wait_for(lambda: entered == HEAVY_READ_CONNECTIONS and handed_back == ASKERS)
    sender = client.as_user(640_000, language_code="en")
    sent = await send_links(sender, 99)
    assert all(SAVED.match(reply) for _link, reply in sent)
    assert len(await saved_keys(db, sender)) == LINKS_EACH
    await db.close()  # the test's own session, so that only the bot's connections count
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    assert not any(task.done() for task in asking)
    gate.set()
    for asker, requests in zip(askers, await asyncio.gather(*asking), strict=True):
        assert "Your numbers" in text(requests, chat_id=asker.user_id)
    assert entered == ASKERS


async def test_repeated_stats_within_seconds_is_the_same_answer(
    client: BotClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FrozenClock(monkeypatch, utcnow())
    volunteer = client.as_user(650_000, language_code="en")
    await volunteer.send("t.me/cached_stats_shop")
    assert "Links sent: 1" in text(await volunteer.send("/stats"))
    await volunteer.send("t.me/cached_stats_shop_two")
    assert "Links sent: 1" in text(await volunteer.send("/stats"))  # kept a few seconds
    other = client.as_user(650_001, language_code="en")
    assert "Links sent: 0" in text(await other.send("/stats"))  # per volunteer
    clock.set(clock.now + timedelta(seconds=6))
    assert "Links sent: 2" in text(await volunteer.send("/stats"))
