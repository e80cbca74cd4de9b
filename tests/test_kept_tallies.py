"""Kept tallies (table tally_day) always equal a full recomputation from history.

A property test runs random histories through the real services — links and confirmations,
graffiti, every status change, merges, over several Almaty days and past the daily cap — and
compares the kept table with the recomputation after each history; `python -m bot
rebuild-tallies` puts a damaged table right. Both run on SQLite and PostgreSQL.
"""

import logging
import os
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.__main__ import keep_points_for, main, rebuild_tallies_in
from models.base import saved_id
from models.enums import District, ReportStatus
from models.tally import TallyDay, TallyPoints
from services import kept_points, lifecycle, withdrawals
from services.kept_tallies import per_day
from services.points import COUNTS, PointWeights
from services.tallies import Tally, points_by_volunteer, recomputed_tallies, tallies
from services.weeks import Week
from tests.support.fake_clock import FrozenClock
from tests.support.tally_world import almaty, make_volunteer, send_graffiti, send_links

S = ReportStatus
WEIGHTS = (PointWeights(), PointWeights(found_blocked=7, found_accepted=2, daily_cap=5))
LINKS = [f"t.me/kept_shop_{n}" for n in range(6)]
# Repeated: the steps that change points come up more often.
STEPS = [
    S.ACCEPTED, S.ACCEPTED, S.SENT, S.BLOCKED, S.BLOCKED, S.REJECTED, S.STILL_ONLINE,
    S.DECLINED, S.REAPPEARED, S.ASSIGNED, S.PAINTED_OVER, S.PAINTED_OVER,
]  # fmt: skip

volunteer = st.integers(0, 3)
some_reports = st.sets(st.integers(0, 9), min_size=1, max_size=4)
events = st.lists(
    st.one_of(
        # Several links at once from one volunteer: enough finds in a day to pass the cap.
        st.tuples(st.just("links"), volunteer, st.sets(st.integers(0, 5), min_size=1)),
        st.tuples(st.just("wall"), volunteer),
        # Reports moved along their lifecycle (accepted, sent, blocked or painted, reappeared).
        st.tuples(st.just("advance"), some_reports, st.integers(1, 3), st.booleans()),
        st.tuples(st.just("status"), some_reports, st.sampled_from(STEPS)),
        st.tuples(st.just("merge"), st.integers(0, 9), st.integers(0, 9)),
        # A volunteer withdraws their sighting of a new report (refused when it is not).
        st.tuples(st.just("withdraw"), volunteer, st.integers(0, 9)),
        st.tuples(st.just("later"), st.sampled_from([1, 5, 20, 30])),
    ),
    min_size=4,
    max_size=30,
)  # fmt: skip
# The next step of a report moving along: the first of these its lifecycle allows.
FORWARD = [S.ACCEPTED, S.SENT, S.BLOCKED, S.ASSIGNED, S.PAINTED_OVER, S.REAPPEARED]


async def _empty(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            await connection.execute(table.delete())


async def _play(
    db: AsyncSession, clock: FrozenClock, history: list[Any], weights_at: int = 0
) -> None:
    """Play `history`; the bot's weights (WEIGHTS[0]) are recorded before event `weights_at`."""
    clock.set(almaty(11, 2, 9))
    mod = await make_volunteer(db, 9000)
    people = [await make_volunteer(db, 9001 + n) for n in range(4)]
    reports: list[int] = []  # every report made, in order: events name them by position
    for position, event in enumerate(history):
        if position == weights_at:
            await kept_points.use_weights(db, WEIGHTS[0])
            await db.commit()
        kind = event[0]
        if kind == "links":
            ids = await send_links(db, people[event[1]], *(LINKS[n] for n in sorted(event[2])))
            reports += [i for i in ids if i not in reports]
        elif kind == "wall":
            reports.append(await send_graffiti(db, people[event[1]], District.ALMALY))
        elif kind == "advance" and reports:
            chosen = [reports[n % len(reports)] for n in event[1]]
            for _ in range(event[2]):
                await _advance(db, chosen, reject=event[3], actor_id=mod.id)
        elif kind == "status" and reports:
            chosen = [reports[n % len(reports)] for n in event[1]]
            await lifecycle.change_status(db, report_ids=chosen, to=event[2], actor_id=mod.id)
        elif kind == "merge" and reports:
            source, into = reports[event[1] % len(reports)], reports[event[2] % len(reports)]
            await lifecycle.merge(db, source_ids=[source], into_id=into, actor_id=mod.id)
        elif kind == "withdraw" and reports:
            chosen = reports[event[2] % len(reports)]
            await withdrawals.withdraw(
                db, volunteer_id=saved_id(people[event[1]]), report_id=chosen
            )
        elif kind == "later":
            clock.set(clock.now + timedelta(hours=event[1]))


async def _advance(
    db: AsyncSession, chosen: list[int], *, reject: bool, actor_id: int | None
) -> None:
    """One step forward for each report, in one change_status call per next status."""
    by_next: dict[ReportStatus, list[int]] = {}
    for report in (await lifecycle.load_reports(db, chosen, lock=False)).values():
        allowed = lifecycle.allowed_next(report)
        order = [S.REJECTED, *FORWARD] if reject else FORWARD
        step = next((status for status in order if status in allowed), None)
        if step is not None:
            by_next.setdefault(step, []).append(saved_id(report))
    for step, ids in by_next.items():
        await lifecycle.change_status(db, report_ids=ids, to=step, actor_id=actor_id)


async def _assert_kept_equals_recomputed(db: AsyncSession, clock: FrozenClock) -> None:
    this_week = Week.of(clock.now)
    for weights in WEIGHTS:
        assert await tallies(db, weights=weights) == await recomputed_tallies(db, weights=weights)
        assert await points_by_volunteer(db, weights=weights) == _points(
            await recomputed_tallies(db, weights=weights)
        )
        for week in (this_week, this_week.previous()):
            span: dict[str, Any] = {"since": week.start, "until": week.end}
            recomputed = await recomputed_tallies(db, weights=weights, **span)
            assert await tallies(db, weights=weights, **span) == recomputed
            assert await points_by_volunteer(db, weights=weights, **span) == _points(recomputed)
    assert await _kept_rows(db) == await _history_rows(db)


def _points(found: dict[int, Tally]) -> dict[int, int]:
    return {volunteer_id: t.points for volunteer_id, t in found.items() if t.points}


async def _kept_rows(db: AsyncSession) -> dict[Any, tuple[int, ...]]:
    rows = (await db.exec(select(TallyDay))).all()
    kept = {(r.volunteer_id, r.day): tuple(getattr(r, name) for name in COUNTS) for r in rows}
    return {key: counts for key, counts in kept.items() if any(counts)}


async def _history_rows(db: AsyncSession) -> dict[Any, tuple[int, ...]]:
    dialect = db.bind.dialect.name if db.bind is not None else "sqlite"
    rows = (await db.exec(per_day(dialect))).all()  # type: ignore[call-overload]
    return {(v, day): tuple(int(n) for n in counts) for v, day, *counts in rows}


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=events, weights_at=st.sampled_from([0, 0, 1, 3, 8, 30]))
# A confirmation sent after the target was blocked, and a farmer's day past the cap.
@example(
    history=[
        ("links", 0, {0}),
        ("later", 1),
        ("advance", {0}, 3, False),
        ("later", 1),
        ("links", 1, {0}),
        ("advance", {0}, 1, False),
    ],
    weights_at=0,
)
@example(
    history=[
        ("links", 2, {0, 1, 2, 3, 4, 5}),
        ("later", 20),
        ("advance", {0, 1, 2, 3}, 3, False),
        ("later", 30),
        ("links", 3, {1, 2}),
        ("merge", 5, 4),
        ("advance", {4}, 1, True),
    ],
    weights_at=1,
)
# The finder withdraws: the confirmer finds it, then it is accepted; the sole finder withdraws.
@example(
    history=[
        ("links", 0, {0, 1}),
        ("later", 1),
        ("links", 1, {0}),
        ("withdraw", 0, 0),
        ("advance", {0}, 1, False),
        ("withdraw", 0, 1),
        ("withdraw", 1, 0),
    ],
    weights_at=0,
)
async def test_kept_tallies_equal_a_recomputation_after_any_history(
    engine: AsyncEngine,
    session_maker: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
    history: list[Any],
    weights_at: int,
) -> None:
    await _empty(engine)
    clock = FrozenClock(monkeypatch, almaty(11, 2, 9))
    async with session_maker() as db:
        await _play(db, clock, [*history, ("later", 1)], weights_at)
        await _assert_kept_equals_recomputed(db, clock)


async def test_rebuild_tallies_recomputes_a_damaged_table(
    db: AsyncSession,
    session_maker: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = FrozenClock(monkeypatch, almaty(11, 2, 9))
    history = [
        ("links", 0, {0, 1, 2, 3}), ("links", 1, {0, 4}), ("wall", 2), ("later", 20),
        ("status", {0, 1, 2, 3, 5}, S.ACCEPTED), ("merge", 4, 0), ("later", 30),
        ("status", {0, 1}, S.SENT), ("status", {0}, S.BLOCKED),
        ("status", {5}, S.PAINTED_OVER), ("links", 3, {0, 1}),
    ]  # fmt: skip
    await _play(db, clock, history)
    first = await tallies(db, weights=PointWeights())
    first_points = await points_by_volunteer(db, weights=PointWeights())
    assert sum(t.points for t in first.values()) > 0
    gone = delete(TallyDay).where(col(TallyDay.volunteer_id) == min(first))
    await db.exec(gone)
    await db.exec(update(TallyDay).values(sightings=99))
    await db.exec(update(TallyPoints).values(points=1))
    await db.commit()
    assert await tallies(db, weights=PointWeights()) != first

    days = await rebuild_tallies_in(session_maker)

    db.expire_all()
    assert days == len(await _kept_rows(db))
    assert await tallies(db, weights=PointWeights()) == first
    assert await points_by_volunteer(db, weights=PointWeights()) == first_points
    await _assert_kept_equals_recomputed(db, clock)


async def test_new_weights_at_start_recompute_the_kept_points_once(
    db: AsyncSession, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FrozenClock(monkeypatch, almaty(11, 2, 9))
    history = [("links", 0, {0, 1, 2, 3}), ("links", 1, {0, 1}), ("later", 5),
               ("advance", {0, 1, 2, 3}, 3, False)]  # fmt: skip
    await _play(db, clock, history)
    changed = WEIGHTS[1]
    caplog.set_level(logging.INFO, logger="bot")

    await keep_points_for(db, changed)
    await keep_points_for(db, changed)

    recomputed = _points(await recomputed_tallies(db, weights=changed))
    assert await kept_points.points(db, weights=changed) == recomputed
    assert await kept_points.points(db, weights=WEIGHTS[0]) is None
    said = [r.getMessage() for r in caplog.records if "kept points recomputed" in r.getMessage()]
    assert len(said) == 1


def test_python_m_bot_rebuild_tallies_migrates_records_the_weights_and_exits_0(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "cfg.toml"
    config.write_text('[telegram]\ntoken = "123456789:' + "A" * 35 + '"\n', encoding="utf-8")
    for name in [n for n in os.environ if n.startswith("CVBOT_")]:
        monkeypatch.delenv(name)
    database = tmp_path / "bot.db"
    monkeypatch.setenv("CVBOT_DATABASE__URL", f"sqlite+aiosqlite:///{database}")
    monkeypatch.setenv("CVBOT_POINTS__DAILY_CAP", "25")

    assert main(["rebuild-tallies", "--config", str(config)]) == 0

    with sqlite3.connect(database) as connection:
        weights = connection.execute("SELECT found_blocked, daily_cap FROM tally_weights")
        assert weights.fetchall() == [(10, 25)]
