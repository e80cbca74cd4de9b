"""The process's Prometheus metrics, in a registry of its own (never the library's global one:
two dispatchers in one test process must not count into each other).

Counted as they happen: updates by type and outcome (the middleware below), probe verdicts
(`CountingChecker`, around every checker bot/probe_hub.py gives out: the schedule, the
evidence at intake and /recheck). Read when scraped: job runs and
failures (bot/jobs/runner.py keeps them), the paced sender's sends and 429s (services/pacing.py
keeps plain counters, so services import no Prometheus), and from the database the reports by
kind and the notices outbox; whether this process does the background work now. Every label
is an enum's value or a declared job's name.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.types import TelegramObject, Update
from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.jobs.runner import JobRunner
from models.enums import TargetKind
from models.moderation import Notice
from models.report import Report
from services.clock import utcnow
from services.pacing import DeliveryOutcome, PacedSender
from services.probe.results import Checker, CheckResult, ProbeTarget

logger = logging.getLogger(__name__)

# Reading the database for a scrape takes at most this long; the gauges keep their last values.
DATABASE_TIMEOUT = 5.0


class Metrics:
    def __init__(self, *, jobs: JobRunner, sender: PacedSender) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.updates = Counter(
            "cvbot_updates",
            "Updates by type and outcome (handled, unhandled: no handler took it, failed)",
            ["type", "outcome"],
            registry=self.registry,
        )
        self.probe_checks = Counter(
            "cvbot_probe_checks",
            "Scheduled checks of forwarded targets by verdict",
            ["verdict"],
            registry=self.registry,
        )
        self.reports = Gauge(
            "cvbot_reports",
            "Reports in the database by kind (the same in every process: take max, not sum)",
            ["kind"],
            registry=self.registry,
        )
        self.notices_pending = Gauge(
            "cvbot_notices_pending",
            "Outcome notices written and not yet delivered (the outbox)",
            registry=self.registry,
        )
        self.notices_oldest_age = Gauge(
            "cvbot_notices_oldest_age_seconds",
            "Age of the oldest undelivered notice; 0 when none waits",
            registry=self.registry,
        )
        self.registry.register(_Kept(jobs, sender))

    async def render(self, session_maker: async_sessionmaker[AsyncSession]) -> bytes:
        """The text a scrape gets: the database's gauges read first (bounded by a timeout)."""
        try:
            await asyncio.wait_for(self._read_database(session_maker), DATABASE_TIMEOUT)
        except Exception as error:
            logger.warning("metrics: the database could not be read: %s", type(error).__name__)
        return generate_latest(self.registry)

    async def _read_database(self, session_maker: async_sessionmaker[AsyncSession]) -> None:
        async with session_maker() as session:
            by_kind = dict(
                (await session.exec(select(Report.kind, func.count()).group_by(Report.kind))).all()
            )
            pending, oldest = (
                await session.exec(
                    select(func.count(), func.min(Notice.created_at)).where(
                        Notice.done_at.is_(None)  # type: ignore[union-attr]
                    )
                )
            ).one()
        for kind in TargetKind:
            self.reports.labels(kind=kind.value).set(by_kind.get(kind, 0))
        self.notices_pending.set(pending)
        self.notices_oldest_age.set(_age(oldest))


def _age(moment: datetime | None) -> float:
    if moment is None:
        return 0.0
    if moment.tzinfo is None:
        # SQLite's driver may hand back naive UTC.
        return (utcnow().replace(tzinfo=None) - moment).total_seconds()
    return (utcnow() - moment).total_seconds()


class _Kept(Collector):
    """What the job runner and the paced sender count themselves, read at each scrape."""

    def __init__(self, jobs: JobRunner, sender: PacedSender) -> None:
        self._jobs = jobs
        self._sender = sender

    def collect(self) -> Iterable[Metric]:
        runs = CounterMetricFamily("cvbot_job_runs", "Runs of periodic jobs", labels=["job"])
        failures = CounterMetricFamily(
            "cvbot_job_failures", "Runs of periodic jobs that failed", labels=["job"]
        )
        for name, record in self._jobs.records.items():
            runs.add_metric([name], record.runs)
            failures.add_metric([name], record.failures)
        sends = CounterMetricFamily(
            "cvbot_sender_sends", "Bulk sends by final outcome", labels=["outcome"]
        )
        for outcome in DeliveryOutcome:
            sends.add_metric([outcome.value], self._sender.outcomes[outcome])
        limited = CounterMetricFamily(
            "cvbot_sender_rate_limited", "429 answers from Telegram to bulk sends"
        )
        limited.add_metric([], self._sender.rate_limited)
        active = GaugeMetricFamily(
            "cvbot_background_active",
            "1 while this process runs the periodic jobs (on PostgreSQL: holds the worker lock);"
            " 0 in a web process or a standby",
        )
        active.add_metric([], 1 if self._jobs.started_at is not None else 0)
        return [runs, failures, sends, limited, active]


class UpdateMetrics(BaseMiddleware):
    """Outer middleware of `dispatcher.update`: counts every update by type and outcome.

    aiogram's own error middleware sits outside it, so a failure is seen here before the
    errors router answers it."""

    def __init__(self, metrics: Metrics) -> None:
        self._updates = metrics.updates

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        kind = event.event_type if isinstance(event, Update) else "other"
        try:
            result = await handler(event, data)
        except Exception:
            self._updates.labels(type=kind, outcome="failed").inc()
            raise
        outcome = "unhandled" if result is UNHANDLED else "handled"
        self._updates.labels(type=kind, outcome=outcome).inc()
        return result


class CountingChecker:
    """A checker counting each verdict (bot/probe_hub.py wraps every checker it gives out)."""

    def __init__(self, checker: Checker, metrics: Metrics) -> None:
        self._checker = checker
        self._checks = metrics.probe_checks

    async def check(self, target: ProbeTarget) -> CheckResult:
        result = await self._checker.check(target)
        self._checks.labels(verdict=result.verdict.value).inc()
        return result
