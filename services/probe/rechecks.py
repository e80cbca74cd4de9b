"""The rechecks: pick the reports that are due, check them with bounded concurrency, store
each check and apply the rule (services/probe/store.py).

`run_due` is the scheduled run (bot/jobs/rechecks.py runs it through the job runner) and
records itself in `probe_run` for /probe_status; `recheck_now` checks the reports a moderator
names at once (the /recheck command), whatever their next check. Both return what changed,
with the reports that reappeared (the moderators' alert, services/probe/alerts.py).

Which reports are checked and how often is services/probe/schedule.py. A report without a
next check (just sent, or from before the probe) is due at once.
"""

import asyncio
import logging
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import CheckPurpose, ReportStatus, TargetKind, Verdict
from models.probe import ProbeRun
from models.report import Report
from services.clock import utcnow
from services.lifecycle import load_reports
from services.probe.options import ProbeOptions
from services.probe.results import Checker, CheckResult, Outcome, ProbeTarget, Vantage
from services.probe.schedule import CHECKED_KINDS, CHECKED_STATUSES
from services.probe.store import Recorded, record_check

logger = logging.getLogger(__name__)

# Reports checked by one scheduled run at most; the rest stay due for the next run.
RUN_LIMIT = 2000
# A checker keeps its own time-outs; this only ends a checker that hangs despite them.
HANG_FACTOR = 3


@dataclass(slots=True)
class RecheckResult:
    """What a run or a /recheck found: every stored check, and the status changes among them."""

    recorded: list[Recorded] = field(default_factory=list)
    # Reports named to recheck_now that cannot be checked (no such report, or not a web or
    # Telegram target).
    skipped: list[int] = field(default_factory=list)
    run_id: int | None = None

    @property
    def changed(self) -> list[Recorded]:
        return [r for r in self.recorded if r.moved_from is not None]

    @property
    def reappeared(self) -> list[int]:
        return [r.report_id for r in self.changed if r.status is ReportStatus.REAPPEARED]

    def by_outcome(self) -> Counter[Outcome]:
        return Counter(r.outcome for r in self.recorded)


def _due(now: datetime) -> ColumnElement[bool]:
    return and_(
        col(Report.kind).in_([k.value for k in CHECKED_KINDS]),
        col(Report.status).in_([s.value for s in CHECKED_STATUSES]),
        col(Report.canonical_key).is_not(None),
        or_(col(Report.next_check_at).is_(None), col(Report.next_check_at) <= now),
    )


async def due_count(session: AsyncSession, *, now: datetime) -> int:
    """How many reports are due now: the queue /probe_status shows."""
    return (await session.exec(select(func.count()).select_from(Report).where(_due(now)))).one()


async def due_targets(
    session: AsyncSession, *, now: datetime, limit: int = RUN_LIMIT
) -> list[ProbeTarget]:
    """The reports due now, never-checked ones first, then the longest overdue."""
    rows = await session.exec(
        select(Report.id, Report.kind, Report.canonical_key, Report.display)
        .where(_due(now))
        .order_by(
            col(Report.next_check_at).is_not(None), col(Report.next_check_at), col(Report.id)
        )
        .limit(limit)
    )
    return [
        ProbeTarget(report_id=i, kind=TargetKind(kind), key=key, url=display)
        for i, kind, key, display in rows.all()
        if i is not None and key is not None
    ]


async def run_due(
    session_maker: async_sessionmaker[AsyncSession],
    *,
    checker: Checker,
    options: ProbeOptions,
    now: datetime | None = None,
    limit: int = RUN_LIMIT,
    rng: random.Random | None = None,
) -> RecheckResult:
    """One scheduled run: every due report checked once, recorded in `probe_run`."""
    now = now or utcnow()
    async with session_maker() as session:
        due = await due_count(session, now=now)
        targets = await due_targets(session, now=now, limit=limit)
        run = ProbeRun(started_at=now, due=due)
        session.add(run)
        await session.commit()
        run_id = run.id
    result = await check_targets(
        session_maker, targets, checker=checker, options=options,
        purpose=CheckPurpose.SCHEDULED, rng=rng,
    )  # fmt: skip
    result.run_id = run_id
    outcomes = result.by_outcome()
    async with session_maker() as session:
        stored = await session.get(ProbeRun, run_id)
        if stored is not None:
            stored.finished_at = utcnow()
            stored.checked = len(result.recorded)
            stored.online = outcomes[Outcome.ONLINE]
            stored.blocked = outcomes[Outcome.BLOCKED]
            stored.gone = outcomes[Outcome.GONE]
            stored.unknown = outcomes[Outcome.UNKNOWN]
            stored.changed = len(result.changed)
            session.add(stored)
            await session.commit()
    return result


async def recheck_now(
    session_maker: async_sessionmaker[AsyncSession],
    *,
    checker: Checker,
    options: ProbeOptions,
    report_ids: Sequence[int],
    rng: random.Random | None = None,
) -> RecheckResult:
    """Check the named reports at once (purpose manual) and apply the same rule. Reports that
    are not web or Telegram targets (or do not exist) come back in `skipped`."""
    async with session_maker() as session:
        reports = await load_reports(session, report_ids, lock=False)
    targets, skipped = [], []
    for report_id in dict.fromkeys(report_ids):
        report = reports.get(report_id)
        if report is None or report.kind not in CHECKED_KINDS or report.canonical_key is None:
            skipped.append(report_id)
            continue
        targets.append(ProbeTarget(report_id, report.kind, report.canonical_key, report.display))
    result = await check_targets(
        session_maker, targets, checker=checker, options=options,
        purpose=CheckPurpose.MANUAL, rng=rng,
    )  # fmt: skip
    result.skipped = skipped
    return result


async def check_targets(
    session_maker: async_sessionmaker[AsyncSession],
    targets: Iterable[ProbeTarget],
    *,
    checker: Checker,
    options: ProbeOptions,
    purpose: CheckPurpose,
    rng: random.Random | None,
) -> RecheckResult:
    targets = list(targets)  # read twice: by the checks, then with their outcomes
    limit = asyncio.Semaphore(max(options.concurrency, 1))
    # One store at a time: each is a few milliseconds against a check's seconds, and two status
    # changes at once could update shared volunteers' tally rows in opposite orders (a deadlock
    # on PostgreSQL).
    storing = asyncio.Lock()

    async def one(target: ProbeTarget) -> Recorded | None:
        async with limit:
            checked_at = utcnow()
            found = await _check(checker, target, options)
        # The check is over: only now a transaction begins (one per check).
        async with storing:
            return await _store(
                session_maker, target.report_id, found, purpose=purpose,
                checked_at=checked_at, options=options, rng=rng,
            )  # fmt: skip

    outcomes = await asyncio.gather(*(one(t) for t in targets), return_exceptions=True)
    result = RecheckResult()
    for target, outcome in zip(targets, outcomes, strict=True):
        if isinstance(outcome, BaseException):
            logger.error("recheck of #%s not stored", target.report_id, exc_info=outcome)
        elif outcome is not None:
            result.recorded.append(outcome)
    return result


async def _store(
    session_maker: async_sessionmaker[AsyncSession],
    report_id: int,
    found: CheckResult,
    **kwargs: Any,
) -> Recorded | None:
    """Store one check; tried once more when the database refused the transaction (a deadlock
    with a moderator's verdict, a busy SQLite): a check already made is not thrown away."""
    for attempt in (1, 2):
        try:
            async with session_maker() as session:
                return await record_check(session, report_id=report_id, result=found, **kwargs)
        except DBAPIError:
            if attempt == 2:
                raise
            logger.warning("storing the check of #%s failed; trying again", report_id)
    return None


async def _check(checker: Checker, target: ProbeTarget, options: ProbeOptions) -> CheckResult:
    """The checker's result; a checker that fails or hangs counts as inconclusive (retried
    with backoff), never as a verdict."""
    try:
        async with asyncio.timeout(options.total_timeout * HANG_FACTOR):
            return await checker.check(target)
    except Exception as error:  # a checker's bug must not end the run
        logger.exception("checker failed on #%s", target.report_id)
        return CheckResult(
            vantage=Vantage.HOST, verdict=Verdict.INCONCLUSIVE, error=type(error).__name__
        )


class ByKind:
    """One Checker that hands each target to the checker of its kind (web or Telegram)."""

    def __init__(self, checkers: dict[TargetKind, Checker]) -> None:
        self.checkers = checkers

    async def check(self, target: ProbeTarget) -> CheckResult:
        checker = self.checkers.get(target.kind)
        if checker is None:
            return CheckResult(
                vantage=Vantage.HOST, verdict=Verdict.INCONCLUSIVE, error="no checker"
            )
        return await checker.check(target)
