"""ISO weeks on Almaty's calendar: Monday 00:00 to the next Monday 00:00, Asia/Almaty."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from services.clock import ALMATY, to_almaty


@dataclass(frozen=True, slots=True, order=True)
class Week:
    year: int
    number: int

    @classmethod
    def of(cls, moment: datetime) -> "Week":
        iso = to_almaty(moment).isocalendar()
        return cls(iso.year, iso.week)

    @classmethod
    def parse(cls, key: str) -> "Week":
        """ "2026-W47" → Week(2026, 47); ValueError otherwise."""
        year, _, number = key.strip().upper().partition("-W")
        week = cls(int(year), int(number))
        date.fromisocalendar(week.year, week.number, 1)  # validates the week number
        return week

    @property
    def key(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.number, 1)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.monday, time(0), tzinfo=ALMATY)

    @property
    def end(self) -> datetime:
        return self.start + timedelta(days=7)

    def shifted(self, weeks: int) -> "Week":
        return Week.of(self.start + timedelta(days=7 * weeks, hours=12))

    def previous(self) -> "Week":
        return self.shifted(-1)
