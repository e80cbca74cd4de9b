"""Per-volunteer tallies and points: read from the kept table, or recomputed from history.

What each sighting earns is in services/points.py. `tallies` reads table tally_day, kept
current by services/kept_tallies.py: one grouped sum over volunteers' days, the daily cap
applied to each day. `recomputed_tallies` is the full computation over every sighting and the
audit trail, as it was before the table existed: the property test's reference.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, literal, or_
from sqlalchemy import select as sa_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import ReportStatus, TargetKind
from models.moderation import AuditEntry
from models.report import Report, Sighting
from models.squads import SquadMember
from models.tally import TallyDay
from services import kept_points
from services.points import (
    ACCEPTED_STATUSES,
    CLOSED_STATUSES,
    COUNTS,
    PointWeights,
    almaty_date,
    almaty_day,
    points_of,
)

__all__ = [
    "ACCEPTED_STATUSES", "CLOSED_STATUSES", "PointWeights", "Tally", "points_by_volunteer",
    "rank_of", "ranks", "recomputed_tallies", "tallies", "volunteer_tally",
]  # fmt: skip

S = ReportStatus


@dataclass(frozen=True, slots=True)
class Tally:
    volunteer_id: int
    links: int = 0
    photos: int = 0
    found_first: int = 0
    confirmations: int = 0
    accepted: int = 0
    rejected: int = 0
    blocked: int = 0
    painted_over: int = 0
    points: int = 0

    @property
    def accuracy(self) -> float | None:
        """Accepted ÷ decided; None while nothing was decided."""
        decided = self.accepted + self.rejected
        return self.accepted / decided if decided else None


def _dialect(session: AsyncSession) -> str:
    return session.bind.dialect.name if session.bind is not None else "sqlite"


def closed_at_subquery() -> Any:
    """When each report was first blocked or painted over (the audit trail knows)."""
    return (
        select(
            col(AuditEntry.report_id).label("report_id"),
            func.min(AuditEntry.at).label("closed_at"),
        )
        .where(col(AuditEntry.to_status).in_([s.value for s in CLOSED_STATUSES]))
        .group_by(col(AuditEntry.report_id))
        .subquery("closed")
    )


async def recomputed_tallies(
    session: AsyncSession,
    *,
    weights: PointWeights,
    since: datetime | None = None,
    until: datetime | None = None,
    volunteer_ids: Collection[int] | None = None,
    squad_id: int | None = None,
) -> dict[int, Tally]:
    """`tallies`, recomputed from every sighting and the audit trail (slow: for tests)."""
    closed = closed_at_subquery()
    found = col(Report.found_by_id) == col(Sighting.volunteer_id)
    status = col(Report.status)
    accepted = status.in_([s.value for s in ACCEPTED_STATUSES])
    is_closed = closed.c.closed_at.is_not(None)
    graffiti = col(Report.kind) == TargetKind.GRAFFITI.value
    before_closed = or_(~is_closed, col(Sighting.created_at) < closed.c.closed_at)
    points = case(
        (status == S.REJECTED.value, 0),
        (and_(found, is_closed), weights.found_blocked),
        (and_(found, accepted), weights.found_accepted),
        (and_(~found, accepted, before_closed), weights.confirmation),
        else_=0,
    )

    def total(condition: Any) -> Any:
        return func.sum(case((condition, 1), else_=0))

    day = almaty_day(col(Sighting.created_at), _dialect(session))
    per_day = (
        sa_select(
            col(Sighting.volunteer_id).label("volunteer_id"),
            func.count().label("sightings"),
            total(graffiti).label("photos"),
            total(found).label("found_first"),
            total(accepted).label("accepted"),
            total(status == S.REJECTED.value).label("rejected"),
            total(and_(is_closed, ~graffiti)).label("blocked"),
            total(and_(is_closed, graffiti)).label("painted_over"),
            func.sum(points).label("points"),
        )
        .select_from(Sighting)
        .join(Report, col(Report.id) == col(Sighting.report_id))
        .outerjoin(closed, closed.c.report_id == col(Sighting.report_id))
        .group_by(col(Sighting.volunteer_id), day)
    )
    if since is not None:
        per_day = per_day.where(col(Sighting.created_at) >= since)
    if until is not None:
        per_day = per_day.where(col(Sighting.created_at) < until)
    if volunteer_ids is not None:
        per_day = per_day.where(col(Sighting.volunteer_id).in_(list(volunteer_ids)))
    if squad_id is not None:
        per_day = per_day.join(
            SquadMember, col(SquadMember.volunteer_id) == col(Sighting.volunteer_id)
        ).where(col(SquadMember.squad_id) == squad_id)
    days = per_day.subquery("per_day")
    cap = literal(weights.daily_cap)
    statement = sa_select(
        days.c.volunteer_id,
        func.sum(days.c.sightings),
        func.sum(days.c.photos),
        func.sum(days.c.found_first),
        func.sum(days.c.accepted),
        func.sum(days.c.rejected),
        func.sum(days.c.blocked),
        func.sum(days.c.painted_over),
        func.sum(case((days.c.points > cap, cap), else_=days.c.points)),
    ).group_by(days.c.volunteer_id)
    return _tallies_of((await session.exec(statement)).all())  # type: ignore[call-overload]


async def tallies(
    session: AsyncSession,
    *,
    weights: PointWeights,
    since: datetime | None = None,
    until: datetime | None = None,
    volunteer_ids: Collection[int] | None = None,
    squad_id: int | None = None,
) -> dict[int, Tally]:
    """Tallies of every volunteer with a sighting in [since, until), keyed by volunteer id.

    The table keeps whole Almaty days, so `since` and `until` count by the day they fall on;
    every caller passes week bounds (Almaty midnights), where that is exact.
    """
    day = col(TallyDay.day)
    points = points_of(weights, TallyDay)
    cap = literal(weights.daily_cap)
    statement = (
        sa_select(
            col(TallyDay.volunteer_id),
            *(func.sum(getattr(TallyDay, name)) for name in COUNTS[:7]),
            func.sum(case((points > cap, cap), else_=points)),
        )
        .group_by(col(TallyDay.volunteer_id))
        # A merge can leave a day with nothing on it; such a volunteer sent nothing then.
        .having(func.sum(TallyDay.sightings) > 0)
    )
    if since is not None:
        statement = statement.where(day >= almaty_date(since))
    if until is not None:
        statement = statement.where(day < almaty_date(until))
    if volunteer_ids is not None:
        statement = statement.where(col(TallyDay.volunteer_id).in_(list(volunteer_ids)))
    if squad_id is not None:
        statement = statement.join(
            SquadMember, col(SquadMember.volunteer_id) == col(TallyDay.volunteer_id)
        ).where(col(SquadMember.squad_id) == squad_id)
    return _tallies_of((await session.exec(statement)).all())  # type: ignore[call-overload]


def _tallies_of(rows: Any) -> dict[int, Tally]:
    result: dict[int, Tally] = {}
    for row in rows:
        volunteer_id, sightings, photos, found_first, *rest = (int(v or 0) for v in row)
        result[volunteer_id] = Tally(
            volunteer_id,
            links=sightings - photos,
            photos=photos,
            found_first=found_first,
            confirmations=sightings - found_first,
            accepted=rest[0],
            rejected=rest[1],
            blocked=rest[2],
            painted_over=rest[3],
            points=rest[4],
        )
    return result


async def volunteer_tally(
    session: AsyncSession,
    *,
    volunteer_id: int,
    weights: PointWeights,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Tally:
    found = await tallies(
        session, weights=weights, since=since, until=until, volunteer_ids=[volunteer_id]
    )
    return found.get(volunteer_id, Tally(volunteer_id))


async def points_by_volunteer(
    session: AsyncSession,
    *,
    weights: PointWeights,
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict[int, int]:
    """Everyone's points (all time, or in [since, until)), without zeros.

    All time and whole Almaty weeks come from the points kept for the configured weights (one
    row per volunteer, services/kept_points.py); other weights or spans sum tally_day.
    """
    kept = None
    if since is None and until is None:
        kept = await kept_points.points(session, weights=weights)
    elif since is not None and until is not None and _whole_week(since, until):
        kept = await kept_points.points(session, weights=weights, monday=almaty_date(since))
    if kept is not None:
        return kept
    found = await tallies(session, weights=weights, since=since, until=until)
    return {volunteer_id: t.points for volunteer_id, t in found.items() if t.points}


def _whole_week(since: datetime, until: datetime) -> bool:
    first, end = almaty_date(since), almaty_date(until)
    return first.weekday() == 0 and end - first == timedelta(days=7)


def rank_of(points_by_volunteer: dict[int, int], volunteer_id: int) -> int | None:
    """Competition rank (1 + how many have more points); None without points."""
    mine = points_by_volunteer.get(volunteer_id, 0)
    if mine <= 0:
        return None
    return 1 + sum(1 for points in points_by_volunteer.values() if points > mine)


def ranks(points_by_volunteer: dict[int, int]) -> dict[int, int]:
    """Competition ranks of everyone with points, in one sort (rank_of for all, without n²)."""
    ordered = sorted(
        ((p, v) for v, p in points_by_volunteer.items() if p > 0), key=lambda item: -item[0]
    )
    result: dict[int, int] = {}
    previous_points, previous_rank = None, 0
    for position, (points, volunteer_id) in enumerate(ordered, start=1):
        if points != previous_points:
            previous_points, previous_rank = points, position
        result[volunteer_id] = previous_rank
    return result
