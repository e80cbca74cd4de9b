"""Storing a check and applying the status rule: one transaction per check, after the check.

The network I/O is over before the transaction begins (the caller checks first), so no write
lock is held while a shop's server stalls. In the one transaction: the check row, the rule
(services/probe/rules.py) applied through services/lifecycle.change_status with no actor, the
alert row of a reappearance (services/probe/alerts.py), and the report's next check.
"""

import json
import random
from contextlib import nullcontext
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import saved_id
from models.enums import CheckPurpose, ReportStatus, Verdict
from models.probe import ERROR_LENGTH, TITLE_LENGTH, URL_LENGTH, ProbeAlert, ProbeCheck
from models.sqlite_writer import write_gate
from services import lifecycle
from services.clock import utcnow
from services.probe import rules, schedule
from services.probe.options import ProbeOptions
from services.probe.results import OUTCOMES, CheckResult, Outcome

# The report's latest checks read to apply the rule and the backoff: more than enough for two
# conclusive results between inconclusive ones (and the backoff is capped long before this).
RECENT = 20


@dataclass(frozen=True, slots=True)
class Recorded:
    """One stored check and what it changed."""

    report_id: int
    check_id: int
    verdict: Verdict
    outcome: Outcome
    status: ReportStatus  # the report's status after the check
    moved_from: ReportStatus | None = None  # set when the check changed the status
    next_check_at: datetime | None = None


async def record_check(
    session: AsyncSession,
    *,
    report_id: int,
    result: CheckResult,
    purpose: CheckPurpose,
    checked_at: datetime,
    options: ProbeOptions,
    rng: random.Random | None = None,
) -> Recorded | None:
    """Store one check of report `report_id` and apply the rule, committed; None when there
    is no such report."""
    # On SQLite, intake's writer waits for this transaction at an asyncio lock, not in SQLite's
    # busy handler (as verdict chunks do, services/verdicts.py).
    async with write_gate(session.bind) or nullcontext():  # type: ignore[arg-type]
        reports = await lifecycle.load_reports(session, [report_id])
        report = reports.get(report_id)
        if report is None:
            return None
        check = _row(report_id, result, purpose, checked_at)
        session.add(check)
        await session.flush()
        recent = await _recent(session, report_id)
        before = report.status
        moved_to = None
        if result.outcome is not Outcome.UNKNOWN:
            since = [OUTCOMES[v] for at, v in reversed(recent) if at > report.status_changed_at]
            moved_to = rules.decide(before, since)
        if moved_to is not None:
            why = lifecycle.Why(rules.why_code(result.outcome), ref_id=saved_id(check))
            done = await lifecycle.change_status(
                session, report_ids=[report_id], to=moved_to, actor_id=None, why=why,
                commit=False,
            )  # fmt: skip
            if done.changed:
                check.changed_to = moved_to
                if moved_to is ReportStatus.REAPPEARED:
                    session.add(ProbeAlert(report_id=report_id, check_id=saved_id(check)))
            else:
                moved_to = None
        # Not "now" of the caller: the check may have taken its whole time-out.
        report.next_check_at = schedule.next_check_at(
            status=report.status,
            now=utcnow(),
            options=options,
            inconclusive=_inconclusive_streak([v for _, v in recent]),
            rng=rng,
        )
        session.add(report)
        recorded = Recorded(
            report_id=report_id,
            check_id=saved_id(check),
            verdict=result.verdict,
            outcome=result.outcome,
            status=report.status,
            moved_from=before if moved_to is not None else None,
            next_check_at=report.next_check_at,
        )
        await session.commit()
    return recorded


def _row(
    report_id: int, result: CheckResult, purpose: CheckPurpose, checked_at: datetime
) -> ProbeCheck:
    return ProbeCheck(
        report_id=report_id,
        checked_at=checked_at,
        purpose=purpose,
        vantage=result.vantage,
        verdict=result.verdict,
        stages=json.dumps([asdict(stage) for stage in result.stages], ensure_ascii=False),
        latency_ms=result.latency_ms,
        title=_cut(result.title, TITLE_LENGTH),
        final_url=_cut(result.final_url, URL_LENGTH),
        http_status=result.http_status,
        addresses=json.dumps(list(result.addresses)),
        body_sha256=result.body_sha256,
        body_length=result.body_length,
        error=_cut(result.error, ERROR_LENGTH),
        member_count=result.member_count,
    )


def _cut(text: str | None, length: int) -> str | None:
    return text if text is None or len(text) <= length else text[: length - 1] + "…"


async def _recent(session: AsyncSession, report_id: int) -> list[tuple[datetime, Verdict]]:
    """The report's latest checks, newest first: when each began and its verdict."""
    rows = await session.exec(
        select(ProbeCheck.checked_at, ProbeCheck.verdict)
        .where(ProbeCheck.report_id == report_id)
        .order_by(col(ProbeCheck.checked_at).desc(), col(ProbeCheck.id).desc())
        .limit(RECENT)
    )
    return [(at, Verdict(verdict)) for at, verdict in rows.all()]


def _inconclusive_streak(verdicts: list[Verdict]) -> int:
    """How many of the latest checks (newest first) in a row were inconclusive."""
    streak = 0
    for verdict in verdicts:
        if verdict is not Verdict.INCONCLUSIVE:
            break
        streak += 1
    return streak
