"""Background work: one runner (`JobRunner`) for every periodic job and staff one-off job.

- Declare a periodic job as `Periodic(name, run, schedule, wakeup=None)` with `Every(seconds)`
  or `Weekly(weekday, at)` (Asia/Almaty), and add it in `bot/jobs/periodic.py`.
- `runner.start()` starts every declared job; `await runner.stop()` cancels all of them and
  every one-off job, and waits until they have ended.
- Staff one-off jobs (/broadcast, /digest_now, resuming a broadcast) go through
  `runner.spawn(coroutine, name=...)`; handlers reach the runner as the dispatcher's `jobs`,
  and spawn only while their process does the background work (`deps.work_here`). Otherwise
  (`--role web`) the job waits in the database and the worker's "staff-jobs" poll
  (bot/jobs/staff_jobs.py) spawns it on the worker's runner.
- A test runs one job once with `JobRunner(clock=fake).run_once(name)`: the job gets the fake
  clock's time. A test of the loops themselves gives the runner a clock whose sleep waits for
  the test to move time on, so nothing sleeps in real time.

Decision: a small asyncio runner of our own, not a scheduling library. APScheduler 3.x was
weighed: its CronTrigger covers "weekly at a time in a zone", but (1) it reads the wall clock
itself, with no clock to inject, so a test cannot run its loop on a fake clock (its maintainers'
advice is to test triggers apart and call the jobs directly — what `run_once` does here without
the library); (2) it has no wakeup from an asyncio.Event, which the notice drainer needs
(`modify(next_run_time=...)` from every handler would do it, less plainly); (3) its job stores
and misfire/coalesce rules would be a second memory of what ran, while exactly-once already
lives in the database (a digest's delivery rows, a broadcast's recipient rows, Notice rows):
every run asks the database what is left to do, so a run repeated after a crash or a restart
sends nothing twice. What remains for a runner is a loop, a sleep and a cancel: ~100 lines.
"""

from bot.jobs.runner import Clock, JobRunner, Periodic, SystemClock
from bot.jobs.schedules import Every, Schedule, Weekly

__all__ = ["Clock", "Every", "JobRunner", "Periodic", "Schedule", "SystemClock", "Weekly"]
