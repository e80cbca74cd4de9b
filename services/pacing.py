"""One paced sender for every bulk message: notices, digests, broadcasts, group summaries.

Telegram allows about 30 messages a second overall, one a second per chat and twenty a minute
per group; past that it answers 429 with `retry_after` and may ban a bot that keeps pushing. So
every bulk send of the process goes through one PacedSender: a single scheduler task orders the
deliveries of all concurrent `deliver()` calls, waits for the earliest moment every limit allows,
and starts the send then (sends run concurrently, so a slow Telegram does not slow the rate).
Only the scheduler sleeps, which keeps it exact under a fake clock.
"""

import asyncio
import heapq
import logging
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial
from itertools import count
from typing import Protocol

logger = logging.getLogger(__name__)

GROUP_WINDOW = 60.0


class RetryAfter(Exception):  # noqa: N818 (the name is the shared contract)
    """HTTP 429: Telegram wants no more messages from this bot for `seconds`."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds} s")
        self.seconds = float(seconds)


class TransientError(Exception):
    """A 5xx from Telegram or a lost connection: the same send may well work in a moment."""


# Seconds before the n-th retry after a transient error (the last value repeats).
TRANSIENT_BACKOFF = (1.0, 2.0, 5.0, 10.0)


class RecipientUnavailable(Exception):  # noqa: N818
    """The user blocked the bot, deleted the account, or the chat does not exist."""


class Clock(Protocol):
    def monotonic(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


@dataclass(frozen=True)
class Delivery:
    chat_id: int
    send: Callable[[], Awaitable[object]]
    is_group: bool = False
    key: object = None


class DeliveryOutcome(StrEnum):
    SENT = "sent"
    UNAVAILABLE = "unavailable"
    FAILED = "failed"


@dataclass
class Progress:
    total: int
    sent: int
    unavailable: int
    failed: int
    eta_seconds: float

    @property
    def done(self) -> int:
        return self.sent + self.unavailable + self.failed


OutcomeCallback = Callable[[Delivery, DeliveryOutcome], Awaitable[None]]
ProgressCallback = Callable[[Progress], Awaitable[None]]


@dataclass(eq=False)
class _Job:
    """The state of one deliver() call."""

    progress: Progress
    finished: asyncio.Future[None]
    on_outcome: OutcomeCallback | None
    on_progress: ProgressCallback | None
    last_report: float
    tasks: set["asyncio.Task[None]"] = field(default_factory=set)
    # Counted after on_outcome returned: deliver() returns only once every outcome is recorded.
    recorded: int = 0
    cancelled: bool = False


@dataclass(eq=False)
class _Item:
    job: _Job
    target: Delivery
    rank: int
    attempts: int = 0


class PacedSender:
    def __init__(
        self,
        *,
        rate_per_second: float = 25.0,
        per_chat_interval: float = 1.0,
        group_per_minute: int = 20,
        max_attempts: int = 5,
        max_in_flight: int = 32,
        stop_grace: float = 5.0,
        clock: Clock | None = None,
    ) -> None:
        self.interval = 1.0 / rate_per_second
        self.rate = rate_per_second
        self.per_chat_interval = per_chat_interval
        self.group_per_minute = group_per_minute
        self.max_attempts = max_attempts
        self.clock: Clock = clock or SystemClock()
        self.max_in_flight = max_in_flight
        # Real seconds a cancelled deliver() gives the sends already on their way to Telegram.
        self.stop_grace = stop_grace
        self._active = 0
        # (ready time, rank, tie-break, item). The rank interleaves concurrent deliver() calls
        # one to one, so a handful of notices never waits behind a digest to thousands.
        self._heap: list[tuple[float, int, int, _Item]] = []
        self._order = count()
        self._rank = 0
        self._next_slot = float("-inf")
        self._paused_until = float("-inf")
        self._chat_next: dict[int, float] = {}
        self._group_sent: dict[int, deque[float]] = {}
        self._wakeup = asyncio.Event()
        self._scheduler: asyncio.Task[None] | None = None
        # Read by /metrics (bot/ops): sends by final outcome, and Telegram's 429s.
        self.outcomes: Counter[DeliveryOutcome] = Counter()
        self.rate_limited = 0

    async def deliver(
        self,
        deliveries: Iterable[Delivery],
        *,
        on_outcome: OutcomeCallback | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> Progress:
        targets = list(deliveries)
        now = self.clock.monotonic()
        progress = Progress(len(targets), 0, 0, 0, eta_seconds=len(targets) * self.interval)
        if not targets:
            return progress
        finished = asyncio.get_running_loop().create_future()
        job = _Job(progress, finished, on_outcome, on_progress, last_report=now)
        for rank, target in enumerate(targets, start=self._rank):
            self._push(self._chat_ready(target), _Item(job, target, rank))
        if self._scheduler is None or self._scheduler.done():
            self._scheduler = asyncio.create_task(self._schedule(), name="paced-sender")
        try:
            await job.finished
        except asyncio.CancelledError:
            job.cancelled = True
            try:
                await self._settle(job)
            finally:
                for task in job.tasks:  # only if cancelled again while settling
                    task.cancel()
            raise
        progress.eta_seconds = 0.0
        if on_progress is not None:
            await self._report(job, final=True)
        return progress

    async def _settle(self, job: _Job) -> None:
        """No new sends for a cancelled job, but the ones Telegram may already have got finish
        and have their outcome recorded: cut off, a digest or notice would go out again after
        a restart. A send that outlives the grace is cancelled."""
        if job.tasks and self.stop_grace > 0:
            await asyncio.wait(set(job.tasks), timeout=self.stop_grace)
        late = set(job.tasks)
        for task in late:
            task.cancel()
        if late:
            await asyncio.wait(late)

    # -- scheduling ---------------------------------------------------------------------------

    def _push(self, ready: float, item: _Item) -> None:
        heapq.heappush(self._heap, (ready, item.rank, next(self._order), item))
        self._wakeup.set()

    def _is_group(self, target: Delivery) -> bool:
        return target.is_group or target.chat_id < 0

    def _chat_ready(self, target: Delivery) -> float:
        """The earliest moment this chat's own limits allow a send (ignoring the global ones)."""
        ready = self._chat_next.get(target.chat_id, float("-inf"))
        sent = self._group_sent.get(target.chat_id)
        if self._is_group(target) and sent and len(sent) >= self.group_per_minute:
            ready = max(ready, sent[-self.group_per_minute] + GROUP_WINDOW)
        return ready

    async def _schedule(self) -> None:
        try:
            await self._run_queue()
        except Exception as error:
            # Never leave a caller waiting forever on a scheduler that died.
            logger.exception("the paced sender's scheduler failed")
            for *_, item in self._heap:
                if not item.job.finished.done():
                    item.job.finished.set_exception(error)
            self._heap.clear()

    async def _run_queue(self) -> None:
        while self._heap or self._active:
            if not self._heap or self._active >= self.max_in_flight:
                self._wakeup.clear()
                await self._wakeup.wait()
                continue
            key, rank, order, item = self._heap[0]
            if item.job.cancelled:
                heapq.heappop(self._heap)
                continue
            ready = self._chat_ready(item.target)
            if ready > key:  # the chat was used since this entry was queued
                heapq.heapreplace(self._heap, (ready, rank, order, item))
                continue
            now = self.clock.monotonic()
            # `key` is later than `ready` only for a send backing off after a transient error.
            start = max(key, ready, self._next_slot, self._paused_until)
            if start > now:
                await self._sleep(start - now)
                continue  # re-check: a 429 or a new delivery may have changed the plan
            heapq.heappop(self._heap)
            self._rank = max(self._rank, rank)
            self._book(item.target, now)
            self._active += 1
            task = asyncio.create_task(self._attempt(item))
            item.job.tasks.add(task)
            # A callback, not a finally: a task cancelled before it started runs no finally.
            task.add_done_callback(partial(self._task_done, item.job))
        self._prune(self.clock.monotonic())

    def _task_done(self, job: _Job, task: "asyncio.Task[None]") -> None:
        job.tasks.discard(task)
        self._active -= 1
        self._wakeup.set()

    async def _sleep(self, seconds: float) -> None:
        """Sleep, but wake early when new deliveries arrive or a send finishes."""
        self._wakeup.clear()
        sleeper = asyncio.ensure_future(self.clock.sleep(seconds))
        waker = asyncio.ensure_future(self._wakeup.wait())
        await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
        for pending in (sleeper, waker):
            pending.cancel()

    def _book(self, target: Delivery, now: float) -> None:
        self._next_slot = now + self.interval
        self._chat_next[target.chat_id] = now + self.per_chat_interval
        if self._is_group(target):
            sent = self._group_sent.setdefault(target.chat_id, deque())
            sent.append(now)
            while len(sent) > self.group_per_minute:
                sent.popleft()
        if len(self._chat_next) > 10_000:
            self._prune(now)

    def _prune(self, now: float) -> None:
        horizon = now - max(self.per_chat_interval, GROUP_WINDOW)
        self._chat_next = {c: t for c, t in self._chat_next.items() if t > horizon}
        self._group_sent = {c: s for c, s in self._group_sent.items() if s and s[-1] > horizon}

    # -- sending ------------------------------------------------------------------------------

    async def _attempt(self, item: _Item) -> None:
        target, job = item.target, item.job
        outcome = await self._send(item)
        if outcome is None:
            return  # queued again after a 429 or a transient error
        progress = job.progress
        self.outcomes[outcome] += 1
        if outcome is DeliveryOutcome.SENT:
            progress.sent += 1
        elif outcome is DeliveryOutcome.UNAVAILABLE:
            progress.unavailable += 1
        else:
            progress.failed += 1
        if job.on_outcome is not None:
            await _guarded(job.on_outcome(target, outcome), "outcome callback")
        if job.on_progress is not None and not job.cancelled:
            await self._report(job)
        job.recorded += 1
        if job.recorded == progress.total and not job.finished.done():
            job.finished.set_result(None)

    async def _send(self, item: _Item) -> DeliveryOutcome | None:
        item.attempts += 1
        try:
            await item.target.send()
        except RetryAfter as error:
            self.rate_limited += 1
            now = self.clock.monotonic()
            self._paused_until = max(self._paused_until, now + error.seconds)
            logger.warning(
                "429 from Telegram (chat %s): every send waits %.1f s",
                item.target.chat_id,
                error.seconds,
            )
            if item.attempts >= self.max_attempts:
                return DeliveryOutcome.FAILED
            # Keeps its place in line: the pause holds every send anyway.
            self._push(self._chat_ready(item.target), item)
            return None
        except RecipientUnavailable:
            return DeliveryOutcome.UNAVAILABLE
        except TransientError as error:
            if item.attempts >= self.max_attempts:
                logger.warning("send to chat %s failed: %r", item.target.chat_id, error)
                return DeliveryOutcome.FAILED
            backoff = TRANSIENT_BACKOFF[min(item.attempts, len(TRANSIENT_BACKOFF)) - 1]
            self._push(self.clock.monotonic() + backoff, item)
            return None
        except Exception as error:
            logger.warning("send to chat %s failed: %r", item.target.chat_id, error)
            return DeliveryOutcome.FAILED
        return DeliveryOutcome.SENT

    async def _report(self, job: _Job, *, final: bool = False) -> None:
        now = self.clock.monotonic()
        if not final and now - job.last_report < 1.0:
            return
        job.last_report = now
        progress = job.progress
        remaining = progress.total - progress.done
        pause = max(0.0, self._paused_until - now)
        progress.eta_seconds = 0.0 if final else remaining * self.interval + pause
        assert job.on_progress is not None
        await _guarded(job.on_progress(progress), "progress callback")


async def _guarded(awaitable: Awaitable[None], what: str) -> None:
    """A caller's callback failing must not stop the deliveries of everyone else."""
    try:
        await awaitable
    except Exception:
        logger.exception("%s failed", what)
