"""Fake clocks, one per way the code under test reads time; no test really waits.

- `FakeClock`: the paced sender's (monotonic, sleep); sleeping moves time on at once.
- `SteppedClock`: a job runner's (utcnow, sleep); sleeping waits until the test moves time on.
- `FrozenClock`: every `utcnow()` of models and services, fixed until the test moves it.
"""

import asyncio
from datetime import datetime, timedelta
from typing import Any

import pytest

import models.base
import services.clock


class FakeClock:
    """A PacedSender's clock whose sleep advances virtual time at once, and remembers how long
    each sleep asked for (a negative or zero sleep moves nothing)."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        # Yield first, so that sends started at the current moment run before time moves on.
        await asyncio.sleep(0)
        self.now += max(seconds, 0.0)


class SteppedClock:
    """A job runner's clock (bot/jobs) whose sleep waits until the test moves time on.

    The test awaits `until_slept(n)` (the n-th call of sleep has begun; no real time passes),
    then `advance`s: the loops under test step exactly as far as the test says.
    """

    def __init__(self, start: datetime) -> None:
        self.now = start
        self.calls = 0
        self._sleepers: list[tuple[datetime, asyncio.Future[None]]] = []
        self._changed = asyncio.Condition()

    def utcnow(self) -> datetime:
        return self.now

    async def sleep(self, seconds: float) -> None:
        wake = asyncio.get_running_loop().create_future()
        entry = (self.now + timedelta(seconds=seconds), wake)
        self._sleepers.append(entry)
        async with self._changed:
            self.calls += 1
            self._changed.notify_all()
        try:
            await wake
        finally:
            if entry in self._sleepers:
                self._sleepers.remove(entry)

    @property
    def sleeping(self) -> list[float]:
        """How long each waiting sleeper still has to sleep, in seconds."""
        return [(until - self.now).total_seconds() for until, _ in self._sleepers]

    async def until_slept(self, calls: int) -> None:
        async with self._changed:
            await self._changed.wait_for(lambda: self.calls >= calls)

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
        for entry in list(self._sleepers):
            until, wake = entry
            if until <= self.now:
                self._sleepers.remove(entry)
                wake.set_result(None)


class FrozenClock:
    """Every `utcnow()` of the models and services answers `now` until moved."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, start: datetime) -> None:
        self.now = start
        clock = self

        class Frozen(datetime):
            @classmethod
            def now(cls, tz: Any = None) -> "Frozen":
                return clock.now.astimezone(tz)  # type: ignore[return-value]

        monkeypatch.setattr(models.base, "datetime", Frozen)
        monkeypatch.setattr(services.clock, "datetime", Frozen)

    def set(self, moment: datetime) -> None:
        self.now = moment

    # A job runner's clock too (bot/jobs): a job run once gets `now`.
    def utcnow(self) -> datetime:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
