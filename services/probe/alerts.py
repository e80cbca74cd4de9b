"""The moderators' alert of reappeared reports: an outbox, so a restart never loses or repeats
it.

The store writes a `probe_alert` row in the transaction that moves a report to reappeared
(services/probe/store.py). The alert job (bot/jobs/rechecks.py) takes every pending row, sends
one message listing them all, and marks them sent. A crash between the message and the mark
means the moderators may see a report listed twice, never not at all.
"""

from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import TargetKind
from models.probe import ProbeAlert
from models.report import Report
from services.clock import utcnow
from services.identity.lookalike import safe_display

# Reports one alert lists at most (one message stays far below 4,096 characters); more go in
# a further message of the same pass.
MAX_REPORTS = 40


@dataclass(frozen=True, slots=True)
class Reappeared:
    report_id: int
    kind: TargetKind
    display: str  # look-alike hosts in punycode (services/identity/lookalike.py)


@dataclass(frozen=True, slots=True)
class PendingAlert:
    alert_ids: tuple[int, ...]
    reports: tuple[Reappeared, ...]  # each report once, in report order


async def pending(session: AsyncSession, *, limit: int = MAX_REPORTS) -> PendingAlert | None:
    """The reappearances not told yet, or None when there are none."""
    rows = await session.exec(
        select(ProbeAlert.id, Report)
        .join(Report, col(Report.id) == col(ProbeAlert.report_id))
        .where(col(ProbeAlert.sent_at).is_(None))
        .order_by(col(ProbeAlert.id))
        .limit(limit)
    )
    alert_ids: list[int] = []
    reports: dict[int, Reappeared] = {}
    for alert_id, report in rows.all():
        if alert_id is None or report.id is None:
            continue
        alert_ids.append(alert_id)
        shown = safe_display(report.kind, report.canonical_key, report.display)
        reports[report.id] = Reappeared(report.id, report.kind, shown)
    if not alert_ids:
        return None
    return PendingAlert(tuple(alert_ids), tuple(reports[i] for i in sorted(reports)))


async def mark_sent(session: AsyncSession, alert_ids: tuple[int, ...]) -> None:
    await session.exec(
        update(ProbeAlert).where(col(ProbeAlert.id).in_(alert_ids)).values(sent_at=utcnow())
    )
    await session.commit()
