"""Kept tallies (table tally_day) always equal a full recomputation from history.

A property test runs random histories through the real services — links and confirmations,
graffiti, every status change, merges, over several Almaty days and past the daily cap — and
compares the kept table with the recomputation after each history; `python -m bot
rebuild-tallies` puts a damaged table right. Both run on SQLite and PostgreSQL.
"""

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.__main__ import rebuild_tallies_in
from models.enums import District, ReportStatus
from models.tally import TallyDay
from services import lifecycle
from services.kept_tallies import per_day
from services.points import COUNTS, PointWeights
from services.tallies import recomputed_tallies, tallies
from services.weeks import Week
from tests.support.fake_clock import FrozenClock
from tests.support.tally_world import almaty, make_volunteer, send_graffiti, send_links

S = ReportStatus
WEIGHTS = (PointWeights(), PointWeights(found_blocked=7, found_accepted=2, daily_cap=5))
LINKS = [f"t.me/kept_shop_{n}" for n in range(6)]
STEPS = [S.ACCEPTED, S.REJECTED, S.SENT, S.BLOCKED, S.STILL_ONLINE, S.DECLINED, S.REAPPEARED,
         S.ASSIGNED, S.PAINTED_OVER]  # fmt: skip

volunteer = st.integers(0, 3)
events = st.lists(
    st.one_of(
        # Several links at once from one volunteer: enough finds in a day to pass the cap.
        st.tuples(st.just("links"), volunteer, st.sets(st.sampled_from(range(len(LINKS))))),
        st.tuples(st.just("wall"), volunteer),
        st.tuples(st.just("status"), st.sets(st.integers(0, 9)), st.sampled_from(STEPS)),
        st.tuples(st.just("merge"), st.integers(0, 9), st.integers(0, 9)),
        st.tuples(st.just("later"), st.sampled_from([1, 5, 20, 30])),
    ),
    max_size=30,
)  # fmt: skip


async def _empty(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            await connection.execute(table.delete())


async def _play(db: AsyncSession, clock: FrozenClock, history: list[Any]) -> None:
    clock.set(almaty(11, 2, 9))
    mod = await make_volunteer(db, 9000)
    people = [await make_volunteer(db, 9001 + n) for n in range(4)]
    reports: list[int] = []  # every report made, in order: events name them by position
    for event in history:
        kind = event[0]
        if kind == "links" and event[2]:
            ids = await send_links(db, people[event[1]], *(LINKS[n] for n in sorted(event[2])))
            reports += [i for i in ids if i not in reports]
        elif kind == "wall":
            reports.append(await send_graffiti(db, people[event[1]], District.ALMALY))
        elif kind == "status" and reports and event[1]:
            chosen = [reports[n % len(reports)] for n in event[1]]
            await lifecycle.change_status(db, report_ids=chosen, to=event[2], actor_id=mod.id)
        elif kind == "merge" and reports:
            source, into = reports[event[1] % len(reports)], reports[event[2] % len(reports)]
            await lifecycle.merge(db, source_ids=[source], into_id=into, actor_id=mod.id)
        elif kind == "later":
            clock.set(clock.now + timedelta(hours=event[1]))


async def _assert_kept_equals_recomputed(db: AsyncSession, clock: FrozenClock) -> None:
    this_week = Week.of(clock.now)
    for weights in WEIGHTS:
        assert await tallies(db, weights=weights) == await recomputed_tallies(db, weights=weights)
        for week in (this_week, this_week.previous()):
            span: dict[str, Any] = {"since": week.start, "until": week.end}
            kept = await tallies(db, weights=weights, **span)
            assert kept == await recomputed_tallies(db, weights=weights, **span)
    assert await _kept_rows(db) == await _history_rows(db)


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
@given(history=events)
async def test_kept_tallies_equal_a_recomputation_after_any_history(
    engine: AsyncEngine,
    session_maker: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
    history: list[Any],
) -> None:
    await _empty(engine)
    clock = FrozenClock(monkeypatch, almaty(11, 2, 9))
    async with session_maker() as db:
        await _play(db, clock, history)
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
    assert sum(t.points for t in first.values()) > 0
    gone = delete(TallyDay).where(col(TallyDay.volunteer_id) == min(first))
    await db.exec(gone)
    await db.exec(update(TallyDay).values(sightings=99))
    await db.commit()
    assert await tallies(db, weights=PointWeights()) != first

    days = await rebuild_tallies_in(session_maker)

    db.expire_all()
    assert days == len(await _kept_rows(db))
    assert await tallies(db, weights=PointWeights()) == first
    await _assert_kept_equals_recomputed(db, clock)
