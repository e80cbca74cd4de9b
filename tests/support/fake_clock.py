"""A clock for the paced sender whose sleep advances time at once: no test really waits."""

import asyncio
from datetime import datetime, timedelta


class FakeClock:
    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.slept = 0.0

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        # Yield first, so that sends started at the current moment run before time moves on.
        await asyncio.sleep(0)
        if seconds > 0:
            self.now += seconds
            self.slept += seconds


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
