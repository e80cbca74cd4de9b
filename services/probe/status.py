"""What the probe has been doing, for moderators: a report's latest checks (/report) and the
probe's state (/probe_status: the queue, the last run, the last day's verdicts)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import Verdict
from models.probe import ProbeAlert, ProbeCheck, ProbeRun
from services.probe.rechecks import due_count

WINDOW = timedelta(hours=24)


async def latest_checks(
    session: AsyncSession, report_id: int, *, limit: int = 5
) -> list[ProbeCheck]:
    """Report `report_id`'s latest checks, newest first (stages and addresses as JSON text)."""
    rows = await session.exec(
        select(ProbeCheck)
        .where(ProbeCheck.report_id == report_id)
        .order_by(col(ProbeCheck.checked_at).desc(), col(ProbeCheck.id).desc())
        .limit(limit)
    )
    return list(rows.all())


@dataclass(frozen=True, slots=True)
class ProbeStatus:
    due_now: int  # reports due now: the queue
    last_run: ProbeRun | None  # the latest scheduled run (finished_at None: still going)
    since: datetime  # start of the window the counts cover
    by_verdict: dict[Verdict, int] = field(default_factory=dict)  # checks in the window
    alerts_pending: int = 0  # reappearances the moderators have not been told yet


async def probe_status(
    session: AsyncSession, *, now: datetime, window: timedelta = WINDOW
) -> ProbeStatus:
    since = now - window
    last_run = (
        await session.exec(
            select(ProbeRun).order_by(col(ProbeRun.started_at).desc(), col(ProbeRun.id).desc())
        )
    ).first()
    counted = await session.exec(
        select(ProbeCheck.verdict, func.count())
        .where(col(ProbeCheck.checked_at) >= since)
        .group_by(col(ProbeCheck.verdict))
    )
    pending = await session.exec(
        select(func.count()).select_from(ProbeAlert).where(col(ProbeAlert.sent_at).is_(None))
    )
    return ProbeStatus(
        due_now=await due_count(session, now=now),
        last_run=last_run,
        since=since,
        by_verdict={Verdict(verdict): number for verdict, number in counted.all()},
        alerts_pending=pending.one(),
    )
