"""The funnel of each week, counted by the database in one pass per table, or read frozen.

For a week: links and photos received (sightings), new targets (reports first seen), and how
many reports were accepted, sent, blocked and painted over (audit entries of the week, each
report counted once per status). A bucket CASE over the weeks' boundaries lets one scan count
twelve weeks at once instead of twelve scans.

A week that has ended is counted once more, by `freeze_ended_weeks` (the weekly digest run calls
it), and read back from `frozen_week_counts` ever after: the chart's eleven past weeks then cost
one small read instead of a scan of three months of sightings.
"""

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import case, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.digest import FrozenWeekCounts
from models.enums import ReportStatus, TargetKind
from models.moderation import AuditEntry
from models.report import Report, Sighting
from models.upsert import insert_ignore
from services.weeks import Week

S = ReportStatus


@dataclass(slots=True)
class WeekCounts:
    links: int = 0
    photos: int = 0
    targets: int = 0
    accepted: int = 0
    sent: int = 0
    blocked: int = 0
    graffiti: int = 0
    painted_over: int = 0

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _bucket(column: Any, weeks: Sequence[Week]) -> Any:
    return case(
        *(((column >= w.start) & (column < w.end), w.key) for w in weeks),
        else_=None,
    )


async def weekly_counts(session: AsyncSession, weeks: Sequence[Week]) -> dict[str, WeekCounts]:
    """Counts for each week, keyed by week key; weeks without activity count zero.

    Frozen weeks are read back as frozen; the others (the current week, or ended weeks nobody
    froze yet) are counted now.
    """
    frozen = await _frozen(session, weeks)
    live = [w for w in weeks if w.key not in frozen]
    return {**await _count(session, live), **frozen}


async def freeze_ended_weeks(
    session: AsyncSession, weeks: Sequence[Week], *, now: datetime
) -> int:
    """Count and keep every week of `weeks` that ended before `now` and is not kept yet.

    Returns how many weeks were frozen. The caller commits; two runs at once cannot keep a week
    twice (the week is the primary key, the loser's insert is ignored).
    """
    frozen = await _frozen(session, weeks)
    ended = [w for w in weeks if w.end <= now and w.key not in frozen]
    for key, counts in (await _count(session, ended)).items():
        await insert_ignore(
            session,
            FrozenWeekCounts,
            {"week": key, **counts.as_dict(), "frozen_at": now},
            ["week"],
        )
    return len(ended)


async def _frozen(session: AsyncSession, weeks: Sequence[Week]) -> dict[str, WeekCounts]:
    if not weeks:
        return {}
    rows = await session.exec(
        select(FrozenWeekCounts).where(col(FrozenWeekCounts.week).in_([w.key for w in weeks]))
    )
    names = [f.name for f in fields(WeekCounts)]
    return {row.week: WeekCounts(**{n: getattr(row, n) for n in names}) for row in rows.all()}


async def _count(session: AsyncSession, weeks: Sequence[Week]) -> dict[str, WeekCounts]:
    counts = {w.key: WeekCounts() for w in weeks}
    if weeks:
        await _count_sightings(session, weeks, counts)
        await _count_reports(session, weeks, counts)
        await _count_transitions(session, weeks, counts)
    return counts


def _span(weeks: Sequence[Week]) -> tuple[datetime, datetime]:
    return min(w.start for w in weeks), max(w.end for w in weeks)


_GRAFFITI = col(Report.kind) == TargetKind.GRAFFITI.value


async def _count_sightings(
    session: AsyncSession, weeks: Sequence[Week], counts: dict[str, WeekCounts]
) -> None:
    start, end = _span(weeks)
    bucket = _bucket(col(Sighting.created_at), weeks).label("week")
    rows = await session.exec(
        select(bucket, _GRAFFITI.label("graffiti"), func.count())
        .select_from(Sighting)
        .join(Report, col(Report.id) == col(Sighting.report_id))
        .where(col(Sighting.created_at) >= start, col(Sighting.created_at) < end)
        .group_by(bucket, _GRAFFITI)
    )
    for key, is_graffiti, number in rows.all():
        if key in counts:
            field = "photos" if is_graffiti else "links"
            setattr(counts[key], field, getattr(counts[key], field) + number)


async def _count_reports(
    session: AsyncSession, weeks: Sequence[Week], counts: dict[str, WeekCounts]
) -> None:
    start, end = _span(weeks)
    bucket = _bucket(col(Report.created_at), weeks).label("week")
    rows = await session.exec(
        select(bucket, _GRAFFITI.label("graffiti"), func.count())
        .where(col(Report.created_at) >= start, col(Report.created_at) < end)
        .where(col(Report.status) != S.MERGED.value)
        .group_by(bucket, _GRAFFITI)
    )
    for key, is_graffiti, number in rows.all():
        if key in counts:
            field = "graffiti" if is_graffiti else "targets"
            setattr(counts[key], field, getattr(counts[key], field) + number)


# Online transitions counted in the funnel; painted over is counted for graffiti.
_TRACKED = {S.ACCEPTED: "accepted", S.SENT: "sent", S.BLOCKED: "blocked"}
# Removed (taken down at the source) is counted as blocked: the funnel's "Blocked or removed".
# Grouped under one name, a report blocked and removed in one week still counts once.
_AS_BLOCKED = case(
    (col(AuditEntry.to_status) == S.REMOVED.value, S.BLOCKED.value),
    else_=col(AuditEntry.to_status),
)


async def _count_transitions(
    session: AsyncSession, weeks: Sequence[Week], counts: dict[str, WeekCounts]
) -> None:
    start, end = _span(weeks)
    bucket = _bucket(col(AuditEntry.at), weeks).label("week")
    counted = _AS_BLOCKED.label("counted_status")
    rows = await session.exec(
        select(
            bucket,
            counted,
            _GRAFFITI.label("graffiti"),
            func.count(func.distinct(col(AuditEntry.report_id))),
        )
        .join(Report, col(Report.id) == col(AuditEntry.report_id))
        .where(col(AuditEntry.at) >= start, col(AuditEntry.at) < end)
        .where(col(AuditEntry.to_status).in_([*_TRACKED, S.REMOVED, S.PAINTED_OVER]))
        .group_by(bucket, counted, _GRAFFITI)
    )
    for key, status, is_graffiti, number in rows.all():
        if key not in counts:
            continue
        if status == S.PAINTED_OVER:
            counts[key].painted_over += number
        elif not is_graffiti:
            field = _TRACKED[S(status)]
            setattr(counts[key], field, getattr(counts[key], field) + number)
