"""Evidence at intake: one guarded look at each new web target soon after it is reported.

Title, final URL, HTTP status, addresses and body hash are stored as a check (purpose intake),
so a moderator judges the report without opening a drug shop, and the evidence survives the
shop's disappearance. The job (bot/jobs/evidence.py) is woken by intake and also looks every
minute, so a restart or a missed wake-up delays a check, never loses it: a report is due while
it has no check at all. Reports older than EVIDENCE_WINDOW are left to the rechecks (a first
deployment does not look at the whole history at once). Telegram targets need no evidence
check: the rechecks see them once they are sent.
"""

import random
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, exists, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import CheckPurpose, ReportStatus, TargetKind
from models.probe import ProbeCheck
from models.report import Report
from services.probe.options import ProbeOptions
from services.probe.rechecks import RecheckResult, check_targets
from services.probe.results import Checker, ProbeTarget

EVIDENCE_WINDOW = timedelta(days=2)
BATCH = 50
# A rejected or merged report needs no evidence: nobody will judge it again.
_SETTLED = (ReportStatus.REJECTED.value, ReportStatus.MERGED.value)


async def evidence_due(
    session: AsyncSession, *, now: datetime, limit: int = BATCH
) -> list[ProbeTarget]:
    """New web targets (oldest first) that have no check yet."""
    checked = exists().where(col(ProbeCheck.report_id) == col(Report.id))
    rows = await session.exec(
        select(Report.id, Report.kind, Report.canonical_key, Report.display)
        .where(col(Report.kind) == TargetKind.WEBSITE.value)
        .where(col(Report.canonical_key).is_not(None))
        .where(col(Report.created_at) >= now - EVIDENCE_WINDOW)
        .where(col(Report.status).not_in(_SETTLED))
        .where(~checked)
        .order_by(col(Report.id))
        .limit(limit)
    )
    return [
        ProbeTarget(report_id, TargetKind(kind), key, display)
        for report_id, kind, key, display in rows.all()
        if report_id is not None and key is not None
    ]


async def collect_evidence(
    session_maker: async_sessionmaker[AsyncSession],
    *,
    checker: Checker,
    options: ProbeOptions,
    now: datetime,
    rng: random.Random | None = None,
) -> RecheckResult:
    """Check every new web target that has no check yet, BATCH at a time, until none is left."""
    result = RecheckResult()
    while True:
        async with session_maker() as session:
            targets = await evidence_due(session, now=now)
        if not targets:
            return result
        done = await check_targets(
            session_maker, targets, checker=checker, options=options,
            purpose=CheckPurpose.INTAKE, rng=rng,
        )  # fmt: skip
        result.recorded += done.recorded
        if len(done.recorded) < len(targets):
            # A check that could not be stored would come back at once: leave it to next time.
            return result
