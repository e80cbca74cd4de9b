"""The evidence check of new web targets (services/probe/evidence.py) as a periodic job.

Intake sets `wakeup` after it commits a message's links, so a new shop is looked at within
seconds; the job also looks every EVIDENCE_INTERVAL, which catches what a restart interrupted.
"""

import asyncio
from datetime import datetime

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.jobs.runner import Periodic
from bot.jobs.schedules import Every
from services.probe.evidence import collect_evidence
from services.probe.options import ProbeOptions
from services.probe.rechecks import RecheckResult
from services.probe.results import Checker

EVIDENCE_INTERVAL = 60.0


def evidence_job(
    *,
    session_maker: async_sessionmaker[AsyncSession],
    checker: Checker,
    options: ProbeOptions,
    wakeup: asyncio.Event,
) -> Periodic:
    async def run(now: datetime) -> RecheckResult:
        return await collect_evidence(session_maker, checker=checker, options=options, now=now)

    return Periodic("probe-evidence", run, Every(EVIDENCE_INTERVAL), wakeup=wakeup)
