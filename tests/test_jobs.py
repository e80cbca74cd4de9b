"""The job runner (bot/jobs): jobs run once on a fake clock, loops step only as the test says,
a failing run is logged and the loop goes on, a wakeup runs a job at once, one stop ends all."""

import asyncio
import logging
from datetime import UTC, datetime, time, timedelta

import pytest

from bot.config import Settings
from bot.jobs import Every, JobRunner, Periodic, Weekly
from bot.jobs.digest import digest_schedule
from tests.support.fake_clock import SteppedClock

T0 = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)  # Monday 09:00 in Almaty


class Recorder:
    """A job's run that records the time it got, and can be told to fail or to hang."""

    def __init__(self, *, fail_first: int = 0, hang: bool = False) -> None:
        self.runs: list[datetime] = []
        self.fail_first, self.hang = fail_first, hang

    async def __call__(self, now: datetime) -> int:
        self.runs.append(now)
        if len(self.runs) <= self.fail_first:
            raise RuntimeError("the database is away")
        if self.hang:
            await asyncio.Event().wait()
        return len(self.runs)


async def test_a_job_runs_once_at_the_fake_clocks_time() -> None:
    clock = SteppedClock(T0)
    runner = JobRunner(clock=clock)
    job = Recorder()
    runner.add(Periodic("count", job, Every(30)))
    assert await runner.run_once("count") == 1
    assert job.runs == [T0]
    with pytest.raises(ValueError, match="already declared"):
        runner.add(Periodic("count", job, Every(60)))


async def test_a_periodic_job_runs_at_start_and_then_every_interval() -> None:
    clock = SteppedClock(T0)
    runner = JobRunner(clock=clock)
    job = Recorder()
    runner.add(Periodic("count", job, Every(30)))
    runner.start()
    await clock.until_slept(1)
    assert job.runs == [T0]
    assert clock.sleeping == [30.0]
    clock.advance(29)
    clock.advance(1)
    await clock.until_slept(2)
    assert job.runs == [T0, T0 + timedelta(seconds=30)]
    await runner.stop()


async def test_a_failing_run_is_logged_and_the_loop_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = SteppedClock(T0)
    runner = JobRunner(clock=clock)
    job = Recorder(fail_first=1)
    runner.add(Periodic("flaky", job, Every(30)))
    with caplog.at_level(logging.ERROR, logger="bot.jobs.runner"):
        runner.start()
        await clock.until_slept(1)
    [record] = caplog.records
    assert record.getMessage() == "job flaky failed"
    assert record.exc_info is not None
    clock.advance(30)
    await clock.until_slept(2)
    assert len(job.runs) == 2
    await runner.stop()


async def test_a_wakeup_runs_the_job_at_once_without_waiting_out_the_interval() -> None:
    clock = SteppedClock(T0)
    runner = JobRunner(clock=clock)
    wakeup = asyncio.Event()
    job = Recorder()
    runner.add(Periodic("drain", job, Every(2), wakeup=wakeup))
    runner.start()
    await clock.until_slept(1)
    wakeup.set()
    await clock.until_slept(2)
    assert job.runs == [T0, T0]  # time did not move
    assert clock.sleeping == [2.0]  # the interrupted sleep is gone, one sleeper waits
    assert not wakeup.is_set()
    await runner.stop()


async def test_stop_cancels_every_loop_and_one_off_job(caplog: pytest.LogCaptureFixture) -> None:
    clock = SteppedClock(T0)
    runner = JobRunner(clock=clock)
    busy, idle = Recorder(hang=True), Recorder()
    runner.add(Periodic("busy", busy, Every(30)))
    runner.add(Periodic("idle", idle, Every(30), wakeup=asyncio.Event()))
    runner.start()
    broadcast = asyncio.Event()

    async def long_broadcast() -> None:
        broadcast.set()
        await asyncio.Event().wait()

    runner.spawn(long_broadcast(), name="broadcast")
    await clock.until_slept(1)
    await broadcast.wait()
    assert busy.runs == [T0]  # mid-run
    await runner.stop()
    assert asyncio.all_tasks() == {asyncio.current_task()}
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]  # a stop is no failure


async def test_a_failing_one_off_job_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    runner = JobRunner()

    async def failing() -> None:
        raise RuntimeError("Telegram is away")

    runner.spawn(failing(), name="digest 2026-W47")
    await runner.join()
    assert [r.getMessage() for r in caplog.records] == ["job digest 2026-W47 failed"]


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # Almaty is UTC+5 all year (no DST since 2024-03-01): Monday 10:00 there is 05:00 UTC.
        (datetime(2026, 11, 23, 4, 59, tzinfo=UTC), datetime(2026, 11, 23, 5, 0, tzinfo=UTC)),
        (datetime(2026, 11, 23, 5, 0, tzinfo=UTC), datetime(2026, 11, 30, 5, 0, tzinfo=UTC)),
        # Sunday 23:30 UTC is already Monday 04:30 in Almaty.
        (datetime(2026, 11, 22, 23, 30, tzinfo=UTC), datetime(2026, 11, 23, 5, 0, tzinfo=UTC)),
        # Summer: still +5.
        (datetime(2026, 7, 1, 12, 0, tzinfo=UTC), datetime(2026, 7, 6, 5, 0, tzinfo=UTC)),
    ],
)
def test_weekly_is_computed_in_almaty_time(now: datetime, expected: datetime) -> None:
    weekly = Weekly(weekday=1, at=time(10, 0))
    assert weekly.next_after(now) == expected
    assert weekly.wait_after(now) == (expected - now).total_seconds()


def test_weekly_rechecks_within_the_week_and_never_spins() -> None:
    weekly = Weekly(weekday=5, at=time(18, 30), recheck_every=3600)
    friday_evening = datetime(2026, 11, 27, 13, 29, 30, tzinfo=UTC)  # 18:29:30 in Almaty
    assert weekly.wait_after(friday_evening) == 30
    assert weekly.wait_after(friday_evening - timedelta(days=2)) == 3600
    almost = datetime(2026, 11, 27, 13, 29, 59, 999000, tzinfo=UTC)
    assert weekly.wait_after(almost) == 1.0


def test_the_digest_is_scheduled_from_the_config(settings: Settings) -> None:
    settings = settings.model_copy(
        update={"digest": settings.digest.model_copy(update={"weekday": 3, "time": "09:15"})}
    )
    assert digest_schedule(settings) == Weekly(weekday=3, at=time(9, 15), recheck_every=3600)


async def test_the_weekly_digest_loop_sleeps_until_its_moment(settings: Settings) -> None:
    """Run at start (catch-up), then asleep for an hour at most (failed deliveries retried)."""
    clock = SteppedClock(datetime(2026, 11, 30, 4, 30, tzinfo=UTC))  # 09:30 before Monday 10:00
    runner = JobRunner(clock=clock)
    job = Recorder()
    runner.add(Periodic("weekly", job, digest_schedule(settings)))
    runner.start()
    await clock.until_slept(1)
    assert clock.sleeping == [1800.0]
    await runner.stop()
