"""What one sighting earns, in SQL (for aggregates) and in Python (for one new sighting).

Each sighting is worth points by what became of its report —
- found first, and the target was later blocked or painted over: `found_blocked` (the most);
- found first, accepted by a moderator: `found_accepted`;
- a confirmation of an accepted target, sent before it was blocked: `confirmation` (little);
- new (undecided) or rejected reports, and confirmations of already-blocked targets: nothing —
and each volunteer earns at most `daily_cap` points per Almaty day, which stops farming.

Almaty's day is UTC+5 all year (Almaty has had no other offset since 2024-03-01), the same in
Python, SQLite and PostgreSQL, so kept and recomputed tallies agree to the second.
The SQL columns and `contribution` must say the same thing; tests/test_kept_tallies.py checks
that they do, on random histories.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Date, and_, case, cast, func, literal_column, or_
from sqlmodel import col

from models.enums import ReportStatus, TargetKind
from models.report import Report, Sighting

S = ReportStatus
# Every status a report can reach only through a moderator's acceptance.
ACCEPTED_STATUSES = frozenset(
    {S.ACCEPTED, S.SENT, S.BLOCKED, S.DECLINED, S.STILL_ONLINE, S.REMOVED, S.REAPPEARED,
     S.ASSIGNED, S.PAINTED_OVER}
)  # fmt: skip
# Removed (taken down at the source) closes a target as blocking does: the same points.
CLOSED_STATUSES = frozenset({S.BLOCKED, S.REMOVED, S.PAINTED_OVER})
ALMATY_OFFSET = timedelta(hours=5)


@dataclass(frozen=True, slots=True)
class PointWeights:
    found_blocked: int = 10
    found_accepted: int = 3
    confirmation: int = 1
    daily_cap: int = 30


def almaty_date(moment: datetime) -> date:
    """The Almaty calendar day of a moment (UTC+5)."""
    return (moment.astimezone(UTC) + ALMATY_OFFSET).date()


def almaty_day(column: Any, dialect: str) -> Any:
    """The Almaty calendar day of a UTC timestamp column, as the database computes it."""
    if dialect == "postgresql":
        # Literal SQL, not bound values: PostgreSQL must see the GROUP BY expression and the
        # selected one as the same.
        utc = func.timezone(literal_column("'UTC'"), column)
        return cast(utc + literal_column("interval '5 hours'"), Date)
    return func.date(column, literal_column("'+5 hours'"), type_=Date)


# The counts a tally keeps for each sighting (1 or 0), in table tally_day's column order.
COUNTS = (
    "sightings", "photos", "found_first", "accepted", "rejected", "blocked", "painted_over",
    "earned_found_blocked", "earned_found_accepted", "earned_confirmation",
)  # fmt: skip


def sighting_counts() -> dict[str, Any]:
    """Each count of COUNTS as a 1/0 expression over one row of Sighting ⨝ Report."""
    found = col(Report.found_by_id) == col(Sighting.volunteer_id)
    other = col(Report.found_by_id) != col(Sighting.volunteer_id)
    status = col(Report.status)
    accepted = status.in_([s.value for s in ACCEPTED_STATUSES])
    rejected = status == S.REJECTED.value
    closed = col(Report.closed_at).is_not(None)
    graffiti = col(Report.kind) == TargetKind.GRAFFITI.value
    before_closed = or_(~closed, col(Sighting.created_at) < col(Report.closed_at))

    def one_if(condition: Any) -> Any:
        return case((condition, 1), else_=0)

    return {
        "sightings": literal_column("1"),
        "photos": one_if(graffiti),
        "found_first": one_if(found),
        "accepted": one_if(accepted),
        "rejected": one_if(rejected),
        "blocked": one_if(and_(closed, ~graffiti)),
        "painted_over": one_if(and_(closed, graffiti)),
        "earned_found_blocked": one_if(and_(~rejected, found, closed)),
        "earned_found_accepted": one_if(and_(~rejected, found, ~closed, accepted)),
        "earned_confirmation": one_if(and_(~rejected, other, accepted, before_closed)),
    }


class ReportFacts(Protocol):
    """What a sighting's counts depend on: a Report, or intake's plain row (services/intake)."""

    @property
    def status(self) -> ReportStatus: ...
    @property
    def closed_at(self) -> datetime | None: ...
    @property
    def found_by_id(self) -> int | None: ...
    @property
    def kind(self) -> TargetKind: ...


def contribution(
    *, report: ReportFacts, volunteer_id: int, created_at: datetime
) -> dict[str, int]:
    """COUNTS of one sighting of `report` by `volunteer_id`, as `sighting_counts` says."""
    status, closed_at = report.status, report.closed_at
    finder = report.found_by_id
    found = finder is not None and finder == volunteer_id
    other = finder is not None and finder != volunteer_id
    accepted = status in ACCEPTED_STATUSES
    rejected = status == S.REJECTED
    closed = closed_at is not None
    graffiti = report.kind == TargetKind.GRAFFITI
    before_closed = closed_at is None or created_at < closed_at
    flags = (
        True, graffiti, found, accepted, rejected, closed and not graffiti, closed and graffiti,
        not rejected and found and closed,
        not rejected and found and not closed and accepted,
        not rejected and other and accepted and before_closed,
    )  # fmt: skip
    return {name: int(flag) for name, flag in zip(COUNTS, flags, strict=True)}


def points_of(weights: PointWeights, row: Any) -> Any:
    """A day's points before the cap, from its earned_* counts (columns or numbers)."""
    return (
        row.earned_found_blocked * weights.found_blocked
        + row.earned_found_accepted * weights.found_accepted
        + row.earned_confirmation * weights.confirmation
    )
