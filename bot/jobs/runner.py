"""The one runner of background work: periodic jobs and staff one-off jobs, one start, one stop.

A periodic job runs once at start (so a restart catches up at once), then again after its
schedule's wait, or as soon as its wakeup event is set. A failing run is logged and the loop goes
on; cancellation (the stop) ends it. One-off jobs (/broadcast, /digest_now, resuming a
broadcast) are spawned: the handler that starts one returns at once, so an administrator's chat
is not held for minutes (updates of one user are handled one at a time).
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from bot.jobs.schedules import Schedule
from services.clock import utcnow

logger = logging.getLogger(__name__)


class Clock(Protocol):
    def utcnow(self) -> datetime: ...

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def utcnow(self) -> datetime:
        return utcnow()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


@dataclass(frozen=True, slots=True)
class Periodic:
    """A periodic job. `run` gets the runner clock's time, so a test's fake clock reaches it."""

    name: str
    run: Callable[[datetime], Awaitable[object]]
    schedule: Schedule
    # Set by whoever has work for the job now (the drainer's is set after writing Notice rows).
    wakeup: asyncio.Event | None = None


@dataclass(slots=True)
class JobRecord:
    """What /healthz and /metrics read of a periodic job (bot/ops)."""

    runs: int = 0
    failures: int = 0
    last_success: datetime | None = None
    # The wait its schedule gave after that run: when the next one was expected.
    interval: float | None = None


class JobRunner:
    def __init__(self, clock: Clock | None = None) -> None:
        self.clock: Clock = clock or SystemClock()
        self._jobs: dict[str, Periodic] = {}
        self.records: dict[str, JobRecord] = {}
        self.started_at: datetime | None = None
        self._loops: list[asyncio.Task[None]] = []
        self._spawned: set[asyncio.Task[None]] = set()

    @property
    def names(self) -> list[str]:
        return list(self._jobs)

    def add(self, job: Periodic) -> None:
        if job.name in self._jobs:
            raise ValueError(f"a job named {job.name!r} is already declared")
        self._jobs[job.name] = job
        self.records[job.name] = JobRecord()

    def overdue(self, now: datetime, grace: float) -> list[str]:
        """Jobs whose last successful run (or the start) is older than twice the interval its
        schedule gave then, plus `grace` seconds: stuck, or failing every time."""
        if self.started_at is None:
            return []
        late = []
        for name, record in self.records.items():
            since = record.last_success or self.started_at
            interval = record.interval
            if interval is None:
                interval = self._jobs[name].schedule.wait_after(since)
            if (now - since).total_seconds() > 2 * interval + grace:
                late.append(name)
        return late

    async def run_once(self, name: str) -> object:
        """One run of a declared job at the clock's time; its errors reach the caller (tests)."""
        return await self._jobs[name].run(self.clock.utcnow())

    def start(self) -> None:
        self.started_at = self.clock.utcnow()
        for job in self._jobs.values():
            self._loops.append(asyncio.create_task(self._loop(job), name=job.name))

    def spawn(self, job: Coroutine[Any, Any, None], *, name: str) -> None:
        # The task copies the caller's context, so gettext keeps the staff member's language.
        task = asyncio.create_task(job, name=name)
        self._spawned.add(task)
        task.add_done_callback(self._finished)

    async def join(self) -> None:
        """Wait for every one-off job spawned so far (tests use it to see a job's messages)."""
        while self._spawned:
            await asyncio.gather(*self._spawned, return_exceptions=True)

    async def stop(self) -> None:
        """Cancel every loop and one-off job and wait until all of them have ended. The runner
        may start again (a worker that lost its lock and took it back)."""
        tasks = [*self._loops, *self._spawned]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._loops.clear()
        # Not running: /healthz says "standby", not that the jobs are overdue.
        self.started_at = None

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._spawned.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("job %s failed", task.get_name(), exc_info=task.exception())

    async def _loop(self, job: Periodic) -> None:
        record = self.records[job.name]
        while True:
            try:
                await job.run(self.clock.utcnow())
            except Exception:
                record.failures += 1
                logger.exception("job %s failed", job.name)
            else:
                record.last_success = self.clock.utcnow()
                record.interval = job.schedule.wait_after(record.last_success)
            record.runs += 1
            await self._pause(job)

    async def _pause(self, job: Periodic) -> None:
        seconds = job.schedule.wait_after(self.clock.utcnow())
        if job.wakeup is None:
            await self.clock.sleep(seconds)
            return
        sleeping = asyncio.ensure_future(self.clock.sleep(seconds))
        woken = asyncio.ensure_future(job.wakeup.wait())
        try:
            await asyncio.wait({sleeping, woken}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in (sleeping, woken):
                waiter.cancel()
            await asyncio.gather(sleeping, woken, return_exceptions=True)
        job.wakeup.clear()
