"""When reports are next checked (services/probe/schedule.py): each status's interval within
its jitter, nothing for statuses the probe leaves alone, and a backoff after inconclusive
checks that doubles up to the status's interval."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from models.enums import ReportStatus
from services.probe.options import ProbeOptions
from services.probe.schedule import CHECKED_STATUSES, next_check_at

S = ReportStatus
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
OPTIONS = ProbeOptions()  # 12 h, 24 h, ±20 %, retry after 30 min


@pytest.mark.parametrize(
    ("status", "hours"),
    [(S.SENT, 12), (S.STILL_ONLINE, 12), (S.BLOCKED, 24), (S.REMOVED, 24), (S.REAPPEARED, 24)],
)
def test_the_next_check_falls_within_the_jitter(status: ReportStatus, hours: float) -> None:
    rng = random.Random(7)
    waits = [
        (next_check_at(status=status, now=NOW, options=OPTIONS, rng=rng) or NOW) - NOW
        for _ in range(2000)
    ]
    low, high = timedelta(hours=hours * 0.8), timedelta(hours=hours * 1.2)
    assert all(low <= wait <= high for wait in waits)
    # Spread over the whole range, not bunched at the interval.
    assert min(waits) < timedelta(hours=hours * 0.82)
    assert max(waits) > timedelta(hours=hours * 1.18)


def test_without_jitter_the_interval_is_exact() -> None:
    options = ProbeOptions(jitter=0.0, sent_every_hours=6, closed_every_hours=48)
    assert next_check_at(status=S.SENT, now=NOW, options=options) == NOW + timedelta(hours=6)
    assert next_check_at(status=S.REMOVED, now=NOW, options=options) == NOW + timedelta(hours=48)


@pytest.mark.parametrize("status", [s for s in ReportStatus if s not in CHECKED_STATUSES])
def test_other_statuses_are_not_scheduled(status: ReportStatus) -> None:
    assert next_check_at(status=status, now=NOW, options=OPTIONS) is None


def test_inconclusive_checks_are_retried_sooner_with_a_doubling_backoff() -> None:
    exact = ProbeOptions(jitter=0.0)
    waits = [
        (next_check_at(status=S.SENT, now=NOW, options=exact, inconclusive=n) or NOW) - NOW
        for n in range(1, 8)
    ]
    minutes = [wait / timedelta(minutes=1) for wait in waits]
    # 30 min, 1 h, 2 h, 4 h, 8 h, then the status's own 12 h.
    assert minutes == [30, 60, 120, 240, 480, 720, 720]
    closed = next_check_at(status=S.BLOCKED, now=NOW, options=exact, inconclusive=6)
    assert closed == NOW + timedelta(hours=16)
    assert next_check_at(status=S.BLOCKED, now=NOW, options=exact, inconclusive=400) == (
        NOW + timedelta(hours=24)
    )


def test_a_retry_is_jittered_too() -> None:
    rng = random.Random(3)
    waits = [
        (next_check_at(status=S.SENT, now=NOW, options=OPTIONS, inconclusive=1, rng=rng) or NOW)
        - NOW
        for _ in range(500)
    ]
    assert all(timedelta(minutes=24) <= wait <= timedelta(minutes=36) for wait in waits)
