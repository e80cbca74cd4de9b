"""The probe's limits: at most `per_host` checks of one host and `total` overall at a time,
waiting checks holding no overall place, and nothing kept for a host once its checks end."""

import asyncio

import pytest

from services.probe.limits import CheckLimits


class Holder:
    """A check that takes a place and holds it until released; `inside` is set once in."""

    def __init__(self, limits: CheckLimits, host: str) -> None:
        self.inside = asyncio.Event()
        self.release = asyncio.Event()
        self.task = asyncio.create_task(self._run(limits, host))

    async def _run(self, limits: CheckLimits, host: str) -> None:
        async with limits.slot(host):
            self.inside.set()
            await self.release.wait()


async def settle() -> None:
    # Lets every ready task run until it blocks (no waiting on time).
    for _ in range(10):
        await asyncio.sleep(0)


async def test_one_host_gets_at_most_per_host_places() -> None:
    limits = CheckLimits(total=10, per_host=2)
    holders = [Holder(limits, "shop.kz") for _ in range(3)]
    other = Holder(limits, "other.kz")
    await settle()
    assert [h.inside.is_set() for h in holders] == [True, True, False]
    assert other.inside.is_set()
    holders[0].release.set()
    await holders[2].inside.wait()
    for holder in [*holders, other]:
        holder.release.set()
    await asyncio.gather(*(h.task for h in [*holders, other]))
    assert limits.hosts_tracked == 0


async def test_the_overall_limit_holds_and_host_waiters_take_no_overall_place() -> None:
    limits = CheckLimits(total=2, per_host=1)
    a1, a2 = Holder(limits, "a.kz"), Holder(limits, "a.kz")  # a2 waits for its host
    b = Holder(limits, "b.kz")
    c = Holder(limits, "c.kz")
    await settle()
    # a2 waits on a.kz without holding an overall place, so b got the second one.
    assert (a1.inside.is_set(), a2.inside.is_set(), b.inside.is_set()) == (True, False, True)
    assert not c.inside.is_set()
    b.release.set()
    await c.inside.wait()
    for holder in (a1, a2, b, c):
        holder.release.set()
    await asyncio.gather(a1.task, a2.task, b.task, c.task)
    assert limits.hosts_tracked == 0


async def test_a_cancelled_waiter_leaves_nothing_behind() -> None:
    limits = CheckLimits(total=1, per_host=1)
    first = Holder(limits, "a.kz")
    waiting = Holder(limits, "b.kz")
    await first.inside.wait()
    await settle()
    waiting.task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting.task
    first.release.set()
    await first.task
    assert limits.hosts_tracked == 0


async def test_ten_thousand_hosts_leave_no_entries() -> None:
    limits = CheckLimits(total=50, per_host=2)

    async def one(host: str) -> None:
        async with limits.slot(host):
            await asyncio.sleep(0)

    await asyncio.gather(*(one(f"h{n}.kz") for n in range(10_000)))
    assert limits.hosts_tracked == 0


def test_limits_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        CheckLimits(total=0, per_host=2)
