"""When the weekly digest is due: `[digest] weekday` and `time`, Asia/Almaty.

The digest posted in week W reports on week W-1. It is due from W's moment until W ends, so a
bot that was down at the moment posts on start-up within the same week (and not later: a
digest a week late would be about two weeks ago).
"""

from datetime import datetime, time, timedelta

from services.clock import ALMATY
from services.weeks import Week


def parse_clock(value: str) -> time:
    hours, _, minutes = value.partition(":")
    return time(int(hours), int(minutes))


def digest_moment(week: Week, *, weekday: int, at: time) -> datetime:
    """The moment week `week`'s digest is posted (weekday 1 = Monday … 7 = Sunday)."""
    day = week.monday + timedelta(days=weekday - 1)
    return datetime.combine(day, at, tzinfo=ALMATY)


def due_week(now: datetime, *, weekday: int, at: time) -> Week | None:
    """The week whose digest should be out by `now`, or None before this week's moment."""
    current = Week.of(now)
    if now >= digest_moment(current, weekday=weekday, at=at):
        return current.previous()
    return None


def next_moment(now: datetime, *, weekday: int, at: time) -> datetime:
    """The first digest moment after `now`."""
    current = Week.of(now)
    moment = digest_moment(current, weekday=weekday, at=at)
    if now < moment:
        return moment
    return digest_moment(current.shifted(1), weekday=weekday, at=at)
