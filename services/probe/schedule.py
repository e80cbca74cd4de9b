"""When a report is next checked: its status's interval, spread by jitter, sooner after an
inconclusive result.

- sent and still online: every `sent_every_hours` (default 12) — the verdict is awaited;
- blocked, removed and reappeared: every `closed_every_hours` (default 24) — watching for a
  return (or, for reappeared, for it to go again);
- any other status is not checked on a schedule (new, accepted, rejected, merged, declined and
  the street statuses), nor are social accounts and graffiti: their kind has no checker (a
  social network's pages need a login or change with every visit, and a wall is painted over
  in the street, not online).

Each next check moves by up to ±`jitter` of its interval, so the reports of one batch spread
out instead of reaching a host together. After n inconclusive checks in a row the next comes
after `retry_after_minutes` × 2ⁿ⁻¹ (30 min, 1 h, 2 h…), never later than the status's interval.
"""

import random
from datetime import datetime, timedelta

from models.enums import ReportStatus, TargetKind
from services.probe.options import ProbeOptions

S = ReportStatus
SENT_STATUSES = frozenset({S.SENT, S.STILL_ONLINE})
CLOSED_STATUSES = frozenset({S.BLOCKED, S.REMOVED, S.REAPPEARED})
CHECKED_STATUSES = SENT_STATUSES | CLOSED_STATUSES
CHECKED_KINDS = frozenset({TargetKind.WEBSITE, TargetKind.TELEGRAM})


def interval(status: ReportStatus, options: ProbeOptions) -> timedelta | None:
    """How often a report in `status` is checked; None: not on a schedule."""
    if status in SENT_STATUSES:
        return timedelta(hours=options.sent_every_hours)
    if status in CLOSED_STATUSES:
        return timedelta(hours=options.closed_every_hours)
    return None


def next_check_at(
    *,
    status: ReportStatus,
    now: datetime,
    options: ProbeOptions,
    inconclusive: int = 0,
    rng: random.Random | None = None,
) -> datetime | None:
    """When a report in `status` whose last `inconclusive` checks were inconclusive is next
    due; None when its status is not checked on a schedule."""
    every = interval(status, options)
    if every is None:
        return None
    wait = every
    if inconclusive > 0:
        # Capped exponent: a target inconclusive for weeks must not overflow the timedelta.
        backoff = timedelta(minutes=options.retry_after_minutes) * 2 ** min(inconclusive - 1, 30)
        wait = min(backoff, every)
    spread = (rng or random).uniform(-options.jitter, options.jitter)
    return now + wait * (1 + spread)
