"""What a `python -m bot` process does: `--role all` (the default), `web` or `worker`.

- `all`: updates and background work in one process (SQLite's only mode).
- `web`: updates only (polling or the webhook) and /healthz, /metrics; no periodic job, no bulk
  send. Staff one-off jobs are left in the database for the worker (handlers/deps.WorkPlace).
- `worker`: background work only (periodic jobs, broadcasts, the paced bulk sender) and
  /healthz, /metrics; it takes no updates.

On PostgreSQL the background work runs only while the process holds the worker lock
(bot/worker_lock.py): a second worker (or `all`) stands by and takes over when the first dies.
If the lock's connection is lost while working, the work stops at once (every job and one-off
job is cancelled) and the process stands by again; it does not exit: a lost connection is
usually the database restarting, and a process that stays is ready to take over.
"""

import asyncio
import logging
import signal
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.jobs.runner import JobRunner
from bot.worker_lock import WorkerLock

logger = logging.getLogger(__name__)


class Role(StrEnum):
    ALL = "all"
    WEB = "web"
    WORKER = "worker"

    @property
    def takes_updates(self) -> bool:
        return self is not Role.WORKER

    @property
    def does_background(self) -> bool:
        return self is not Role.WEB


@dataclass
class WorkHere:
    """Whether this process does the background work now (handlers/deps.WorkPlace)."""

    active: bool = True


class BackgroundWork:
    """Starts the job runner while this process may work, and stops it when it may not.

    `lock` None (SQLite, one process): the work starts at once and runs until cancelled.
    """

    def __init__(
        self,
        *,
        runner: JobRunner,
        here: WorkHere,
        lock: WorkerLock | None,
        on_start: Callable[[], None] | None = None,
    ) -> None:
        self.runner, self.here, self.lock = runner, here, lock
        self.on_start = on_start
        # Set while the work runs: tests wait on them instead of sleeping.
        self.started = asyncio.Event()
        self.stopped = asyncio.Event()

    async def run(self) -> None:
        """Until cancelled: stand by for the lock, work while holding it, and stand by again
        when its connection is lost."""
        self.here.active = False
        lock = self.lock
        if lock is None:
            try:
                self._start()
                await asyncio.Event().wait()
            finally:
                await self._stop()
            return
        while True:
            try:
                await lock.acquire()
                self._start()
                await lock.lost()
            finally:
                await self._stop()
                await lock.release()
            logger.error(
                "worker lock lost (its database connection ended): background work stopped,"
                " standing by"
            )

    def _start(self) -> None:
        self.runner.start()
        self.here.active = True
        self.stopped.clear()
        self.started.set()
        if self.on_start is not None:
            self.on_start()

    async def _stop(self) -> None:
        self.here.active = False
        self.started.clear()
        await self.runner.stop()
        self.stopped.set()


@asynccontextmanager
async def doing(work: BackgroundWork | None) -> AsyncIterator[asyncio.Task[None] | None]:
    """Run the background work beside the block; cancel it (and let go of the lock) after."""
    if work is None:
        yield None
        return
    task = asyncio.create_task(work.run(), name="background-work")
    try:
        yield task
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        if work.lock is not None:
            await work.lock.dispose()


async def until_stopped(work: asyncio.Task[None] | None) -> None:
    """`--role worker` takes no updates: it runs until SIGTERM or SIGINT (or until its work
    fails, which then ends the process with the error)."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    signals = (signal.SIGINT, signal.SIGTERM)
    for number in signals:
        loop.add_signal_handler(number, stop.set)
    waiting = asyncio.create_task(stop.wait())
    try:
        tasks: set[asyncio.Task[Any]] = {waiting} if work is None else {waiting, work}
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        if work is not None and work.done() and not work.cancelled():
            work.result()
    finally:
        waiting.cancel()
        for number in signals:
            loop.remove_signal_handler(number)
