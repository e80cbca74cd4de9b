"""Points kept under the configured weights: all time per volunteer, and per volunteer and week.

Every /stats place and /top needs everyone's points; summed from tally_day they would grow with
history (a row per volunteer per day). Tables tally_points and tally_week hold them ready, for
the weights recorded in tally_weights (the bot records its configured weights at start; when
they changed both tables are recomputed from tally_day, one log line).

When a change adds to a tally day, the day's new earned counts come back from the upsert
(RETURNING), the old ones are the new minus what was added, and the difference of the two days'
capped points is added to the volunteer's all-time and weekly rows: an addition, so writers on
PostgreSQL that touch the same volunteer at once cannot lose each other's points.
Readers ask `points`, which answers None when the weights asked for are not the kept ones.
"""

from collections.abc import Callable, Iterable
from dataclasses import astuple
from datetime import date, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Date, case, cast, delete, func, insert, literal, literal_column, text
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.tally import TallyDay, TallyPoints, TallyWeek, TallyWeights
from services.points import PointWeights, points_of

EARNED = ("earned_found_blocked", "earned_found_accepted", "earned_confirmation")
# (volunteer, day, earned counts before, earned counts after)
Change = tuple[int, date, tuple[int, ...], tuple[int, ...]]


def _dialect(session: AsyncSession) -> str:
    return session.bind.dialect.name if session.bind is not None else "sqlite"


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def capped(weights: PointWeights, earned: tuple[int, ...]) -> int:
    """A day's points from its earned counts (EARNED order), daily cap applied."""
    found_blocked, found_accepted, confirmation = earned
    raw = (
        found_blocked * weights.found_blocked
        + found_accepted * weights.found_accepted
        + confirmation * weights.confirmation
    )
    return min(raw, weights.daily_cap)


async def kept_weights(session: AsyncSession) -> PointWeights | None:
    row = (await session.exec(select(TallyWeights))).first()
    if row is None:
        return None
    return PointWeights(row.found_blocked, row.found_accepted, row.confirmation, row.daily_cap)


async def add_changes(
    session: AsyncSession, weights: PointWeights, changes: Iterable[Change]
) -> None:
    """Add what changed tally days did to their volunteers' kept points (no commit)."""
    all_time: dict[int, int] = {}
    weekly: dict[tuple[int, date], int] = {}
    for volunteer_id, day, before, after in changes:
        delta = capped(weights, after) - capped(weights, before)
        if delta:
            all_time[volunteer_id] = all_time.get(volunteer_id, 0) + delta
            key = (volunteer_id, monday_of(day))
            weekly[key] = weekly.get(key, 0) + delta
    await _upsert_add(
        session,
        all_time_upsert,
        [{"volunteer_id": v, "points": n} for v, n in all_time.items() if n],
    )
    await _upsert_add(
        session,
        week_upsert,
        [{"volunteer_id": v, "monday": m, "points": n} for (v, m), n in weekly.items() if n],
    )


async def _upsert_add(
    session: AsyncSession, build: Callable[[Any], Any], values: list[dict[str, Any]]
) -> None:
    if values:
        insert_of = postgresql.insert if _dialect(session) == "postgresql" else sqlite.insert
        await session.exec(build(insert_of), params=values)


def _adding(table: Any, keys: list[str], dialect_insert: Any) -> Any:
    statement = dialect_insert(table)
    return statement.on_conflict_do_update(
        index_elements=keys, set_={"points": table.c.points + statement.excluded.points}
    )


@cache
def all_time_upsert(dialect_insert: Any) -> Any:
    """Add `points` to a volunteer's all-time row (parameters named after the columns)."""
    return _adding(TallyPoints.__table__, ["volunteer_id"], dialect_insert)  # type: ignore[attr-defined]


@cache
def week_upsert(dialect_insert: Any) -> Any:
    """Add `points` to a volunteer's row of the week from `monday`."""
    return _adding(TallyWeek.__table__, ["volunteer_id", "monday"], dialect_insert)  # type: ignore[attr-defined]


def weights_select(_dialect_insert: Any) -> Any:
    """The kept weights in PointWeights' order (no row: none kept)."""
    return sa_select(
        col(TallyWeights.found_blocked),
        col(TallyWeights.found_accepted),
        col(TallyWeights.confirmation),
        col(TallyWeights.daily_cap),
    )


def _monday_sql(day: Any, dialect: str) -> Any:
    if dialect == "postgresql":
        return cast(func.date_trunc(literal_column("'week'"), day), Date)
    # 'weekday 0' moves to the next Sunday (or stays on one); six days back is its Monday.
    return func.date(day, literal_column("'weekday 0'"), literal_column("'-6 days'"), type_=Date)


async def recompute(session: AsyncSession, weights: PointWeights) -> None:
    """Both tables anew from tally_day, for `weights` (no commit)."""
    dialect = _dialect(session)
    if dialect == "postgresql":
        # Writers meanwhile wait to add their points until the new tables are committed.
        await session.exec(text("LOCK TABLE tally_points, tally_week IN EXCLUSIVE MODE"))  # type: ignore[call-overload]
    await session.exec(delete(TallyPoints))
    await session.exec(delete(TallyWeek))
    raw = points_of(weights, TallyDay)
    cap = literal(weights.daily_cap)
    capped = func.sum(case((raw > cap, cap), else_=raw))
    volunteer = col(TallyDay.volunteer_id)
    await session.exec(
        insert(TallyPoints).from_select(
            ["volunteer_id", "points"], sa_select(volunteer, capped).group_by(volunteer)
        )
    )
    monday = _monday_sql(col(TallyDay.day), dialect)
    await session.exec(
        insert(TallyWeek).from_select(
            ["volunteer_id", "monday", "points"],
            sa_select(volunteer, monday, capped).group_by(volunteer, monday),
        )
    )


async def use_weights(session: AsyncSession, weights: PointWeights) -> bool:
    """Keep points for `weights` from now on; True when they changed (tables recomputed)."""
    if await kept_weights(session) == weights:
        return False
    await session.exec(delete(TallyWeights))
    found_blocked, found_accepted, confirmation, daily_cap = astuple(weights)
    session.add(
        TallyWeights(
            found_blocked=found_blocked,
            found_accepted=found_accepted,
            confirmation=confirmation,
            daily_cap=daily_cap,
        )
    )
    await session.flush()
    await recompute(session, weights)
    return True


async def points(
    session: AsyncSession, *, weights: PointWeights, monday: date | None = None
) -> dict[int, int] | None:
    """Everyone's kept points, all time or of the week from `monday`; None when the kept
    weights are not `weights` (the caller sums tally_day instead)."""
    if await kept_weights(session) != weights:
        return None
    if monday is None:
        statement: Any = select(TallyPoints.volunteer_id, TallyPoints.points)
    else:
        statement = select(TallyWeek.volunteer_id, TallyWeek.points).where(
            TallyWeek.monday == monday
        )
    return {volunteer_id: n for volunteer_id, n in (await session.exec(statement)).all() if n}
