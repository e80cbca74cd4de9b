"""How long Кибернадзор took, as the checks saw it: from a report's first sending to the
first check that found it blocked (or removed at the source) afterwards.

A moderator's /blocked says when someone heard of a block; the checks say when the target
really stopped working from Kazakhstan. /report shows one report's time; the weekly digest
the median over the reports whose first such check fell in the week.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from statistics import median

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import ReportStatus
from models.moderation import AuditEntry
from models.probe import ProbeCheck
from services.probe.results import OUTCOMES, Outcome
from services.weeks import Week

SECONDS_PER_DAY = 86_400
# Verdicts that mean "no longer reachable from here": blocked by an ISP or gone at the source.
CLOSED_VERDICTS = tuple(
    verdict.value
    for verdict, outcome in OUTCOMES.items()
    if outcome in (Outcome.BLOCKED, Outcome.GONE)
)


async def sent_to_blocked_observed(session: AsyncSession, report_id: int) -> timedelta | None:
    """Report `report_id`'s time from first sent to the first closed check after it."""
    times = await _observed(session, [report_id])
    return times.get(report_id)


async def median_days_observed(session: AsyncSession, week: Week) -> float | None:
    """Median days, sent → blocked as observed, of reports first observed closed in `week`."""
    candidates = await session.exec(
        select(ProbeCheck.report_id)
        .where(col(ProbeCheck.verdict).in_(CLOSED_VERDICTS))
        .where(col(ProbeCheck.checked_at) >= week.start, col(ProbeCheck.checked_at) < week.end)
        .distinct()
    )
    report_ids = list(candidates.all())
    days = [
        span.total_seconds() / SECONDS_PER_DAY
        for report_id, (span, observed_at) in (await _observed_at(session, report_ids)).items()
        if week.start <= observed_at < week.end
    ]
    return median(days) if days else None


async def _observed(session: AsyncSession, report_ids: Iterable[int]) -> dict[int, timedelta]:
    return {rid: span for rid, (span, _) in (await _observed_at(session, report_ids)).items()}


async def _observed_at(
    session: AsyncSession, report_ids: Iterable[int]
) -> dict[int, tuple[timedelta, datetime]]:
    ids = sorted(set(report_ids))
    if not ids:
        return {}
    sent_rows = await session.exec(
        select(AuditEntry.report_id, func.min(AuditEntry.at))
        .where(col(AuditEntry.to_status) == ReportStatus.SENT.value)
        .where(col(AuditEntry.report_id).in_(ids))
        .group_by(col(AuditEntry.report_id))
    )
    sent = {report_id: at for report_id, at in sent_rows.all() if at is not None}
    if not sent:
        return {}
    checks = await session.exec(
        select(ProbeCheck.report_id, ProbeCheck.checked_at)
        .where(col(ProbeCheck.report_id).in_(list(sent)))
        .where(col(ProbeCheck.verdict).in_(CLOSED_VERDICTS))
        .order_by(col(ProbeCheck.checked_at))
    )
    found: dict[int, tuple[timedelta, datetime]] = {}
    for report_id, checked_at in checks.all():
        if report_id in found or checked_at < sent[report_id]:
            continue
        found[report_id] = (checked_at - sent[report_id], checked_at)
    return found
