"""A clock for the paced sender whose sleep advances time at once: no test really waits."""

import asyncio


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
