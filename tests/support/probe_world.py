"""A fake checker that answers from a script, and reports in a given status, for the rechecks'
tests (services/probe)."""

import asyncio
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import saved_id
from models.enums import ReportStatus, TargetKind
from models.report import Report, Sighting
from models.volunteer import Volunteer
from services.probe.results import CheckResult, ProbeTarget, Stage, Vantage, Verdict
from tests.support.telegram_ids import tg_id


def result(verdict: Verdict, **fields: object) -> CheckResult:
    """A check result as a web checker would give it, with a stage or two of evidence."""
    stages = (Stage("dns", True, "203.0.113.5", 3.5), Stage("tls", verdict != Verdict.BLOCKED_TLS))
    defaults: dict[str, object] = {"vantage": Vantage.HOST, "stages": stages, "latency_ms": 120}
    return CheckResult(verdict=verdict, **{**defaults, **fields})  # type: ignore[arg-type]


class ScriptedChecker:
    """Answers each report's checks from its script, in order; records every target seen.

    A script entry may be a Verdict, a CheckResult, or an exception to raise. With `gate` set,
    every check waits for it, so a test can see how many run at once.
    """

    def __init__(self, scripts: dict[int, list[object]] | None = None) -> None:
        self.scripts: dict[int, list[object]] = defaultdict(list, scripts or {})
        self.seen: list[ProbeTarget] = []
        self.gate: asyncio.Event | None = None
        self.running = 0
        self.most_at_once = 0
        self._changed = asyncio.Condition()

    def then(self, report_id: int, *answers: object) -> None:
        self.scripts[report_id].extend(answers)

    async def check(self, target: ProbeTarget) -> CheckResult:
        self.seen.append(target)
        async with self._changed:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
            self._changed.notify_all()
        try:
            if self.gate is not None:
                await self.gate.wait()
            answer = self.scripts[target.report_id].pop(0)
        finally:
            self.running -= 1
        if isinstance(answer, BaseException):
            raise answer
        return answer if isinstance(answer, CheckResult) else result(Verdict(str(answer)))

    async def until_running(self, count: int) -> None:
        async with self._changed:
            await self._changed.wait_for(lambda: self.running >= count)


async def make_report(
    db: AsyncSession,
    *,
    status: ReportStatus,
    now: datetime,
    kind: TargetKind = TargetKind.WEBSITE,
    key: str | None = None,
    volunteers: Iterable[int] = (1,),
    next_check_at: datetime | None = None,
) -> int:
    """A report in `status` since an hour before `now`, sighted by `volunteers`."""
    number = await _count(db)
    if key is None and kind != TargetKind.GRAFFITI:
        key = f"tg:shop{number}" if kind == TargetKind.TELEGRAM else f"shop{number}.kz"
    display = "🧱" if key is None else f"https://{key}".replace("https://tg:", "https://t.me/")
    report = Report(
        canonical_key=key, kind=kind, display=display, status=status,
        status_changed_at=now - timedelta(hours=1), created_at=now - timedelta(days=2),
        next_check_at=next_check_at,
    )  # fmt: skip
    db.add(report)
    await db.flush()
    for n in volunteers:
        volunteer = await _volunteer(db, n)
        db.add(
            Sighting(
                report_id=saved_id(report), volunteer_id=volunteer, chat_id=tg_id(n),
                message_id=number, text_as_sent=display, created_at=now - timedelta(days=2),
            )
        )  # fmt: skip
    if report.found_by_id is None and volunteers:
        report.found_by_id = await _volunteer(db, next(iter(volunteers)))
    await db.commit()
    return saved_id(report)


async def _count(db: AsyncSession) -> int:
    return (await db.exec(select(func.count()).select_from(Report))).one()


async def _volunteer(db: AsyncSession, n: int) -> int:
    found = (await db.exec(select(Volunteer).where(Volunteer.telegram_id == tg_id(n)))).first()
    if found is None:
        found = Volunteer(telegram_id=tg_id(n), first_name=f"V{n}", language="en")
        db.add(found)
        await db.flush()
    return saved_id(found)
