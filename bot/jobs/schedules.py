"""When a periodic job runs next: every N seconds, or weekly at a time in Asia/Almaty.

A schedule only answers "how long to wait after `now`": the runner asks it after every run, so
a test checks a schedule with plain datetimes and no clock at all.
"""

from dataclasses import dataclass
from datetime import datetime, time
from typing import Protocol

from services.schedule import next_moment


class Schedule(Protocol):
    def wait_after(self, now: datetime) -> float:
        """Seconds from `now` (UTC) to the job's next run."""
        ...


@dataclass(frozen=True, slots=True)
class Every:
    seconds: float

    def wait_after(self, now: datetime) -> float:  # noqa: ARG002 (Schedule's signature)
        return self.seconds


@dataclass(frozen=True, slots=True)
class Weekly:
    """At `at` on `weekday` (1 = Monday … 7 = Sunday), Asia/Almaty time (UTC+5, no DST).

    With `recheck_every`, the job also runs at least that often in between. A weekly job's run
    decides for itself whether anything is due and records what it did in the database (as the
    digest does), so the extra runs finish a week's work that failed or was cut short, and a
    run after a restart catches up; they never repeat it.
    """

    weekday: int
    at: time
    recheck_every: float | None = None

    def next_after(self, now: datetime) -> datetime:
        return next_moment(now, weekday=self.weekday, at=self.at)

    def wait_after(self, now: datetime) -> float:
        wait = (self.next_after(now) - now).total_seconds()
        if self.recheck_every is not None:
            wait = min(wait, self.recheck_every)
        # At least a second: a clock a hair short of the moment must not spin the loop.
        return max(wait, 1.0)
