"""Keeping table tally_day current, in the transaction of every event that changes it.

Decisions (README, "Tallies, leaderboards and the weekly digest"):
- A new sighting adds its own counts (`points.contribution`) to its volunteer's day with one
  upsert: INSERT … ON CONFLICT (volunteer_id, day) DO UPDATE SET n = n + excluded.n.
- A status change or a merge can change what every sighting of the touched reports earns, and
  a merge moves, deletes and re-dates sightings and changes the finder. `track` aggregates the
  touched reports' sightings per (volunteer, day) before the change, `settle` aggregates them
  again after it and adds the difference — the same SQL as the full rebuild, restricted to the
  touched reports, so both always agree.
- tally_day stores no points (see models/tally.py): any weights and the daily cap apply when
  reading. The points of the configured weights are kept beside it (services/kept_points.py),
  and every addition to a day that changes what it earns adds to them too.
- Nothing else writes what tallies depend on: personal data erasure keeps the sightings (it
  empties their chat ids), claims and street work go through lifecycle.change_status.
- A sighting of a known report is counted by the report as it is after the sighting's insert
  (`count_sighting`'s `recheck_id`): on PostgreSQL that insert waits for a moderator who holds
  the report, whose change is then committed, so intake and moderation at once still agree.
  `python -m bot rebuild-tallies` recomputes everything whatever happened.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, delete, func, insert, text
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import ReportStatus, TargetKind
from models.prepared import Prepared, Run, run_writes
from models.report import Report, Sighting
from models.tally import TallyDay
from services import kept_points
from services.kept_points import EARNED, monday_of
from services.points import (
    COUNTS,
    PointWeights,
    ReportFacts,
    almaty_date,
    almaty_day,
    contribution,
    sighting_counts,
)

Key = tuple[int, date]
_CHUNK = 500


def _dialect(session: AsyncSession) -> str:
    return session.bind.dialect.name if session.bind is not None else "sqlite"


# Statements are built once per backend: building this one took 1.5 ms of the event loop, and a
# 5,000-line /blocked list builds it twice per chunk.
@cache
def per_day(dialect: str) -> Select[Any]:
    """Every sighting's counts summed per (volunteer, Almaty day)."""
    counts = sighting_counts()
    day = almaty_day(col(Sighting.created_at), dialect)
    return (
        sa_select(
            col(Sighting.volunteer_id).label("volunteer_id"),
            day.label("day"),
            *(func.sum(expression).label(name) for name, expression in counts.items()),
        )
        .select_from(Sighting)
        .join(Report, col(Report.id) == col(Sighting.report_id))
        .group_by(col(Sighting.volunteer_id), day)
    )


async def add(session: AsyncSession, rows: Mapping[Key, Mapping[str, int]]) -> None:
    """Add counts to tally days, creating the days that are missing, and what they did to the
    kept points (services/kept_points.py); no commit."""
    # In key order: two transactions adding to the same days then lock their rows in the same
    # order, and PostgreSQL never finds them waiting for each other (a deadlock).
    values = [
        {"volunteer_id": volunteer_id, "day": day, **{name: n.get(name, 0) for name in COUNTS}}
        for (volunteer_id, day), n in sorted(rows.items())
        if any(n.values())
    ]
    if not values:
        return
    dialect_insert = postgresql.insert if _dialect(session) == "postgresql" else sqlite.insert
    statement = upsert(dialect_insert)
    earning = [v for v in values if any(v[name] for name in EARNED)]
    weights = await kept_points.kept_weights(session) if earning else None
    if weights is None:
        await session.exec(statement, params=values)
        return
    plain = [v for v in values if not any(v[name] for name in EARNED)]
    if plain:
        await session.exec(statement, params=plain)
    returning = _upsert_returning_days(dialect_insert)
    added = {(v["volunteer_id"], v["day"]): tuple(v[name] for name in EARNED) for v in earning}
    returned = await session.exec(returning, params=earning)
    changes = []
    for volunteer_id, day, *after in returned.all():
        delta = added[(volunteer_id, day)]
        before = tuple(n - d for n, d in zip(after, delta, strict=True))
        changes.append((volunteer_id, day, before, tuple(after)))
    await kept_points.add_changes(session, weights, changes)


@cache
def upsert(dialect_insert: Any) -> Any:
    """INSERT … ON CONFLICT (volunteer_id, day) DO UPDATE SET n = n + excluded.n, for the
    backend whose `insert` is given; parameters are named after the columns."""
    table = TallyDay.__table__  # type: ignore[attr-defined]
    statement = dialect_insert(table)
    return statement.on_conflict_do_update(
        index_elements=["volunteer_id", "day"],
        set_={name: table.c[name] + statement.excluded[name] for name in COUNTS},
    )


@cache
def _upsert_returning_days(dialect_insert: Any) -> Any:
    table = TallyDay.__table__  # type: ignore[attr-defined]
    return upsert(dialect_insert).returning(
        table.c.volunteer_id, table.c.day, *(table.c[name] for name in EARNED)
    )


def _upsert_earned(dialect_insert: Any) -> Any:
    table = TallyDay.__table__  # type: ignore[attr-defined]
    return upsert(dialect_insert).returning(*(table.c[name] for name in EARNED))


_DAY = Prepared(upsert)
_DAY_EARNED = Prepared(_upsert_earned)
_WEIGHTS = Prepared(kept_points.weights_select)
_ALL_TIME = Prepared(kept_points.all_time_upsert)
_WEEK = Prepared(kept_points.week_upsert)


def _facts_select(_dialect_insert: Any) -> Any:
    table = Report.__table__  # type: ignore[attr-defined]
    return sa_select(table.c.status, table.c.closed_at, table.c.found_by_id, table.c.kind).where(
        table.c.id == bindparam("id")
    )


_FACTS = Prepared(_facts_select)


@dataclass(frozen=True, slots=True)
class _Facts:
    status: ReportStatus
    closed_at: datetime | None
    found_by_id: int | None
    kind: TargetKind


def count_sighting(
    run: Run,
    *,
    report: ReportFacts,
    volunteer_id: int,
    created_at: datetime,
    recheck_id: int | None = None,
) -> None:
    """Count a sighting just inserted, through the caller's `run` (models/prepared.py: the
    intake's one trip): one upsert of the day, and only when the sighting earns points (a
    confirmation of an accepted target), the kept weights and the kept points too.

    `recheck_id`: the report was read before the sighting was inserted and may have changed
    since (on PostgreSQL the insert waits for a moderator holding the report, then that change
    is committed): its facts are read again first. Not needed for a report made by this
    transaction, which nobody else can see."""
    if recheck_id is not None:
        [row] = run(_FACTS, {"id": recheck_id})
        report = _Facts(*row)
    counts = contribution(report=report, volunteer_id=volunteer_id, created_at=created_at)
    day = almaty_date(created_at)
    params = {"volunteer_id": volunteer_id, "day": day} | counts
    earned = tuple(counts[name] for name in EARNED)
    found = run(_WEIGHTS, {}) if any(earned) else []
    if not found:
        run(_DAY, params)
        return
    weights = PointWeights(*found[0])
    [after] = run(_DAY_EARNED, params)
    before = tuple(n - d for n, d in zip(after, earned, strict=True))
    delta = kept_points.capped(weights, after) - kept_points.capped(weights, before)
    if delta:
        run(_ALL_TIME, {"volunteer_id": volunteer_id, "points": delta})
        run(_WEEK, {"volunteer_id": volunteer_id, "monday": monday_of(day), "points": delta})


async def sighting_added(
    session: AsyncSession, *, report: Report, volunteer_id: int, created_at: datetime
) -> None:
    """Count a sighting just inserted, in the caller's transaction."""
    await run_writes(
        session,
        lambda run: count_sighting(
            run, report=report, volunteer_id=volunteer_id, created_at=created_at
        ),
    )


async def _aggregate(session: AsyncSession, report_ids: Sequence[int]) -> dict[Key, list[int]]:
    found: dict[Key, list[int]] = {}
    statement = per_day(_dialect(session))
    for start in range(0, len(report_ids), _CHUNK):
        chunk = report_ids[start : start + _CHUNK]
        rows = await session.exec(  # type: ignore[call-overload]
            statement.where(col(Sighting.report_id).in_(chunk))
        )
        for volunteer_id, day, *counts in rows.all():
            kept = found.setdefault((volunteer_id, day), [0] * len(COUNTS))
            for i, n in enumerate(counts):
                kept[i] += int(n or 0)
    return found


@dataclass(slots=True)
class Tracked:
    report_ids: list[int]
    before: dict[Key, list[int]]

    async def settle(self, session: AsyncSession) -> None:
        """Add what the change did to the tracked reports' tallies (flushes; no commit)."""
        await session.flush()
        after = await _aggregate(session, self.report_ids)
        zero = [0] * len(COUNTS)
        deltas: dict[Key, dict[str, int]] = {}
        for key in self.before.keys() | after.keys():
            old, new = self.before.get(key, zero), after.get(key, zero)
            deltas[key] = {name: b - a for name, a, b in zip(COUNTS, old, new, strict=True)}
        await add(session, deltas)


async def track(session: AsyncSession, report_ids: Iterable[int]) -> Tracked:
    """Remember the tallies of these reports' sightings; call `settle` after changing them."""
    ids = sorted(set(report_ids))
    return Tracked(ids, await _aggregate(session, ids))


async def rebuild(session: AsyncSession) -> int:
    """Recompute the whole table from history in the caller's transaction; returns its rows."""
    if _dialect(session) == "postgresql":
        # Sightings saved meanwhile wait to add their counts until the new table is committed
        # (SQLite's single writer does the same by itself).
        await session.exec(text("LOCK TABLE tally_day IN EXCLUSIVE MODE"))  # type: ignore[call-overload]
    await session.exec(delete(TallyDay))
    source = per_day(_dialect(session))
    await session.exec(insert(TallyDay).from_select(["volunteer_id", "day", *COUNTS], source))
    weights = await kept_points.kept_weights(session)
    if weights is not None:
        await kept_points.recompute(session, weights)
    counted = await session.exec(sa_select(func.count()).select_from(TallyDay))  # type: ignore[call-overload]
    return int(counted.scalar_one())
