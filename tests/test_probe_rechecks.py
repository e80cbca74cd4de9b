"""The rechecks (services/probe): due reports checked by a scripted checker under a frozen
clock, every check stored and read back with its types, the two-consistent-results rule
applied through the lifecycle (audit, notices), the schedule kept, and /recheck's service."""

import asyncio
import json
import random
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import (
    CheckPurpose,
    NoteCode,
    NoticeEvent,
    ReportStatus,
    TargetKind,
    Vantage,
    Verdict,
)
from models.moderation import AuditEntry, Notice
from models.probe import ProbeAlert, ProbeCheck, ProbeRun
from models.report import Report
from services.digest.counts import weekly_counts
from services.digest.facts import median_days_to_block
from services.lifecycle import change_status
from services.probe import rechecks
from services.probe.options import ProbeOptions
from services.probe.rechecks import ByKind, RecheckResult, recheck_now, run_due
from services.probe.results import CheckResult, Outcome, Stage
from services.probe.status import latest_checks, probe_status
from services.weeks import Week
from tests.support.fake_clock import FrozenClock
from tests.support.probe_world import ScriptedChecker, make_report, result
from tests.support.tally_world import almaty

S = ReportStatus
V = Verdict
OPTIONS = ProbeOptions(concurrency=4)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    return FrozenClock(monkeypatch, almaty(12, 1))


async def _run(
    session_maker: async_sessionmaker[AsyncSession], checker: ScriptedChecker
) -> RecheckResult:
    return await run_due(session_maker, checker=checker, options=OPTIONS, rng=random.Random(1))


async def _report(db: AsyncSession, report_id: int) -> Report:
    db.expire_all()
    report = await db.get(Report, report_id)
    assert report is not None
    return report


def _later(clock: FrozenClock, report: Report) -> None:
    """Move the clock to the report's next check."""
    assert report.next_check_at is not None
    clock.set(report.next_check_at)


async def test_a_sent_report_becomes_blocked_after_two_blocked_checks_with_unknown_between(
    db: AsyncSession, session_maker: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    number = await make_report(db, status=S.SENT, now=clock.now, volunteers=(1, 2))
    checker = ScriptedChecker({number: [V.BLOCKED_TLS, V.INCONCLUSIVE, V.BLOCKED_PAGE]})

    first = await _run(session_maker, checker)
    report = await _report(db, number)
    assert (first.changed, report.status) == ([], S.SENT)
    # Checked every sent_every_hours (12 h ± 20 %).
    assert report.next_check_at is not None
    wait = report.next_check_at - clock.now
    assert timedelta(hours=9.6) <= wait <= timedelta(hours=14.4)

    _later(clock, report)
    second = await _run(session_maker, checker)
    report = await _report(db, number)
    # Inconclusive: neither counts nor breaks the streak, and the retry comes sooner.
    assert (second.changed, report.status) == ([], S.SENT)
    assert report.next_check_at is not None
    wait = report.next_check_at - clock.now
    assert timedelta(minutes=24) <= wait <= timedelta(minutes=36)

    _later(clock, report)
    third = await _run(session_maker, checker)
    report = await _report(db, number)
    assert report.status == S.BLOCKED
    assert [(r.report_id, r.moved_from, r.status) for r in third.changed] == [
        (number, S.SENT, S.BLOCKED)
    ]
    assert report.closed_at == clock.now
    # Blocked ones are checked daily.
    assert report.next_check_at is not None
    wait = report.next_check_at - clock.now
    assert timedelta(hours=19.2) <= wait <= timedelta(hours=28.8)

    [audit] = (await db.exec(select(AuditEntry))).all()
    checks = (await db.exec(select(ProbeCheck).order_by(col(ProbeCheck.id)))).all()
    assert (audit.from_status, audit.to_status, audit.actor_id) == (S.SENT, S.BLOCKED, None)
    assert (audit.code, audit.ref_id) == (NoteCode.PROBE_BLOCKED, checks[-1].id)
    assert [c.changed_to for c in checks] == [None, None, S.BLOCKED]
    notices = (await db.exec(select(Notice))).all()
    assert sorted((n.event, n.report_id) for n in notices) == [
        (NoticeEvent.BLOCKED, number),
        (NoticeEvent.BLOCKED, number),
    ]


async def test_a_single_contrary_result_changes_nothing(
    db: AsyncSession, session_maker: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    number = await make_report(db, status=S.SENT, now=clock.now)
    checker = ScriptedChecker({number: [V.MISSING, V.ONLINE, V.RESTRICTED, V.MISSING]})
    statuses = []
    for _ in range(4):
        await _run(session_maker, checker)
        report = await _report(db, number)
        statuses.append(report.status)
        _later(clock, report)
    # missing, online (breaks it), restricted, missing: gone twice in a row only at the end.
    assert statuses == [S.SENT, S.SENT, S.SENT, S.REMOVED]
    [notice] = (await db.exec(select(Notice))).all()
    assert notice.event is NoticeEvent.REMOVED
    audit = (await db.exec(select(AuditEntry))).one()
    assert audit.code is NoteCode.PROBE_GONE


async def test_a_moderators_change_starts_a_new_streak(
    db: AsyncSession, session_maker: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    number = await make_report(db, status=S.STILL_ONLINE, now=clock.now)
    checker = ScriptedChecker({number: [V.ONLINE, V.ONLINE, V.ONLINE]})
    await _run(session_maker, checker)
    clock.set(clock.now + timedelta(minutes=5))
    await change_status(db, report_ids=[number], to=S.BLOCKED, actor_id=None)
    clock.set(clock.now + timedelta(hours=1))
    await recheck_now(session_maker, checker=checker, options=OPTIONS, report_ids=[number])
    # One online check since the moderator's verdict: not enough to say it reappeared.
    assert (await _report(db, number)).status == S.BLOCKED
    clock.set(clock.now + timedelta(hours=1))
    done = await recheck_now(session_maker, checker=checker, options=OPTIONS, report_ids=[number])
    assert (await _report(db, number)).status == S.REAPPEARED
    assert done.reappeared == [number]


async def test_every_check_is_stored_and_reads_back_with_its_types(
    db: AsyncSession, session_maker: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    number = await make_report(db, status=S.SENT, now=clock.now)
    found = CheckResult(
        vantage=Vantage.HOST_AND_CONTROL,
        verdict=Verdict.BLOCKED_PAGE,
        stages=(Stage("dns", True, "203.0.113.5", 2.5), Stage("http", True, "200", 40.0)),
        latency_ms=321,
        title="Доступ к ресурсу ограничен " + "x" * 400,
        final_url="https://blocked.example.kz/",
        http_status=200,
        addresses=("203.0.113.5", "2001:db8::5"),
        body_sha256="ab" * 32,
        body_length=4096,
        error=None,
        member_count=None,
    )
    checker = ScriptedChecker({number: [found]})
    await recheck_now(session_maker, checker=checker, options=OPTIONS, report_ids=[number])

    db.expire_all()
    [check] = await latest_checks(db, number)
    assert type(check.purpose) is CheckPurpose
    assert check.purpose is CheckPurpose.MANUAL
    assert type(check.vantage) is Vantage
    assert check.vantage is Vantage.HOST_AND_CONTROL
    assert type(check.verdict) is Verdict
    assert check.verdict is Verdict.BLOCKED_PAGE
    assert check.checked_at == clock.now
    assert check.checked_at.tzinfo is not None
    assert json.loads(check.stages) == [
        {"name": "dns", "ok": True, "detail": "203.0.113.5", "ms": 2.5},
        {"name": "http", "ok": True, "detail": "200", "ms": 40.0},
    ]
    assert json.loads(check.addresses) == ["203.0.113.5", "2001:db8::5"]
    assert (check.latency_ms, check.http_status, check.body_length) == (321, 200, 4096)
    assert (check.final_url, check.body_sha256) == ("https://blocked.example.kz/", "ab" * 32)
    assert check.title is not None
    assert len(check.title) == 300
    assert check.title.startswith("Доступ к ресурсу ограничен")
    assert (check.error, check.member_count, check.changed_to) == (None, None, None)
    assert [t.url for t in checker.seen] == [(await _report(db, number)).display]


async def test_blocked_and_removed_reports_that_come_back_reappear_and_are_listed(
    db: AsyncSession, session_maker: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    blocked = await make_report(db, status=S.BLOCKED, now=clock.now)
    removed = await make_report(
        db, status=S.REMOVED, now=clock.now, kind=TargetKind.TELEGRAM, volunteers=(2,)
    )
    steady = await make_report(db, status=S.BLOCKED, now=clock.now, volunteers=(3,))
    checker = ScriptedChecker(
        {blocked: [V.ONLINE, V.ONLINE], removed: [V.ONLINE, V.ONLINE], steady: [V.BLOCKED_TLS] * 2}
    )
    await _run(session_maker, checker)
    clock.set(clock.now + timedelta(days=2))
    run = await _run(session_maker, checker)
    assert sorted(run.reappeared) == [blocked, removed]
    assert [(await _report(db, n)).status for n in (blocked, removed, steady)] == [
        S.REAPPEARED, S.REAPPEARED, S.BLOCKED,
    ]  # fmt: skip
    alerts = (await db.exec(select(ProbeAlert).order_by(col(ProbeAlert.report_id)))).all()
    assert [(a.report_id, a.sent_at) for a in alerts] == [(blocked, None), (removed, None)]
    # Reappeared: the next /batch sends it again; checks that see it gone close it again.
    checker.then(blocked, V.DEAD, V.DEAD)
    for _ in range(2):
        clock.set(clock.now + timedelta(days=2))
        await _run(session_maker, checker)
    assert (await _report(db, blocked)).status == S.REMOVED


async def test_only_due_web_and_telegram_reports_in_checked_statuses_are_checked(
    db: AsyncSession, session_maker: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    now = clock.now
    due = [
        await make_report(db, status=S.SENT, now=now),
        await make_report(db, status=S.STILL_ONLINE, now=now, kind=TargetKind.TELEGRAM),
        await make_report(db, status=S.REAPPEARED, now=now, next_check_at=now),
        await make_report(db, status=S.REMOVED, now=now, next_check_at=now - timedelta(hours=1)),
    ]
    await make_report(db, status=S.SENT, now=now, next_check_at=now + timedelta(minutes=1))
    await make_report(db, status=S.SENT, now=now, kind=TargetKind.SOCIAL, key="instagram.com/x")
    await make_report(db, status=S.PAINTED_OVER, now=now, kind=TargetKind.GRAFFITI)
    for status in (S.NEW, S.ACCEPTED, S.DECLINED, S.REJECTED):
        await make_report(db, status=status, now=now)
    checker = ScriptedChecker({n: [V.ONLINE] for n in due})
    run = await _run(session_maker, checker)
    assert sorted(t.report_id for t in checker.seen) == sorted(due)
    assert {t.kind for t in checker.seen} == {TargetKind.WEBSITE, TargetKind.TELEGRAM}
    stored = await db.get(ProbeRun, run.run_id)
    assert stored is not None
    assert (stored.due, stored.checked, stored.online, stored.changed) == (4, 4, 4, 0)
    assert stored.finished_at == clock.now
    # Nothing is due until the next checks come round.
    assert (await _run(session_maker, checker)).recorded == []


async def test_checks_run_with_bounded_concurrency(
    db: AsyncSession, session_maker: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    numbers = [await make_report(db, status=S.SENT, now=clock.now) for _ in range(7)]
    checker = ScriptedChecker({n: [V.ONLINE] for n in numbers})
    checker.gate = asyncio.Event()
    options = ProbeOptions(concurrency=3)
    run = asyncio.create_task(run_due(session_maker, checker=checker, options=options))
    await checker.until_running(3)
    assert checker.running == 3
    checker.gate.set()
    done = await run
    assert (len(done.recorded), checker.most_at_once) == (7, 3)


async def test_a_failing_checker_counts_as_inconclusive_and_is_retried_sooner(
    db: AsyncSession, session_maker: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    number = await make_report(db, status=S.SENT, now=clock.now)
    checker = ScriptedChecker({number: [RuntimeError("a bug in a checker")]})
    run = await _run(session_maker, checker)
    [recorded] = run.recorded
    assert (recorded.verdict, recorded.outcome) == (Verdict.INCONCLUSIVE, Outcome.UNKNOWN)
    [check] = await latest_checks(db, number)
    assert check.error == "RuntimeError"
    report = await _report(db, number)
    assert report.next_check_at is not None
    assert report.next_check_at - clock.now <= timedelta(minutes=36)


async def test_recheck_now_skips_what_cannot_be_checked_and_routes_by_kind(
    db: AsyncSession, session_maker: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    web = await make_report(db, status=S.ACCEPTED, now=clock.now)
    channel = await make_report(db, status=S.SENT, now=clock.now, kind=TargetKind.TELEGRAM)
    wall = await make_report(db, status=S.ASSIGNED, now=clock.now, kind=TargetKind.GRAFFITI)
    social = await make_report(
        db, status=S.SENT, now=clock.now, kind=TargetKind.SOCIAL, key="tiktok.com/@x"
    )
    web_checker = ScriptedChecker({web: [V.ONLINE]})
    telegram_checker = ScriptedChecker({channel: [result(V.MISSING, vantage=Vantage.BOT_API)]})
    checker = ByKind({TargetKind.WEBSITE: web_checker, TargetKind.TELEGRAM: telegram_checker})
    done = await recheck_now(
        session_maker, checker=checker, options=OPTIONS,
        report_ids=[web, channel, wall, social, 999_999, web],
    )  # fmt: skip
    assert done.skipped == [wall, social, 999_999]
    assert [r.report_id for r in done.recorded] == [web, channel]
    assert [t.report_id for t in web_checker.seen] == [web]
    assert [t.report_id for t in telegram_checker.seen] == [channel]
    # An accepted report is checked on request, but not scheduled.
    assert (await _report(db, web)).next_check_at is None
    assert (await _report(db, channel)).next_check_at is not None


async def test_probe_status_shows_the_queue_the_last_run_and_the_days_verdicts(
    db: AsyncSession, session_maker: async_sessionmaker[AsyncSession], clock: FrozenClock
) -> None:
    numbers = [await make_report(db, status=S.SENT, now=clock.now) for _ in range(3)]
    checker = ScriptedChecker(
        {numbers[0]: [V.ONLINE], numbers[1]: [V.DEAD], numbers[2]: [V.INCONCLUSIVE]}
    )
    await _run(session_maker, checker)
    later = clock.now + timedelta(hours=1)
    await make_report(db, status=S.BLOCKED, now=clock.now)
    status = await probe_status(db, now=later)
    # The new blocked report, and the inconclusive one's retry (30 min ± 20 %).
    assert status.due_now == 2
    assert status.last_run is not None
    assert status.last_run.checked == 3
    assert status.by_verdict == {V.ONLINE: 1, V.DEAD: 1, V.INCONCLUSIVE: 1}
    assert all(type(v) is Verdict for v in status.by_verdict)
    # A day later the window has moved past those checks.
    assert (await probe_status(db, now=later + timedelta(days=1))).by_verdict == {}


async def test_the_digest_counts_removed_as_blocked_and_each_report_once(
    db: AsyncSession, clock: FrozenClock
) -> None:
    start = clock.now
    blocked = await make_report(db, status=S.SENT, now=start)
    removed = await make_report(db, status=S.SENT, now=start)
    both = await make_report(db, status=S.SENT, now=start)
    db.add(
        AuditEntry(
            report_id=removed,
            from_status=S.NEW,
            to_status=S.ACCEPTED,
            at=start - timedelta(days=2),
        )
    )
    await db.commit()
    await change_status(db, report_ids=[blocked, both], to=S.BLOCKED, actor_id=None)
    await change_status(db, report_ids=[removed], to=S.REMOVED, actor_id=None)
    for status in (S.REAPPEARED, S.REMOVED):
        clock.set(clock.now + timedelta(hours=1))
        await change_status(db, report_ids=[both], to=status, actor_id=None)
    week = Week.of(start)
    counts = (await weekly_counts(db, [week]))[week.key]
    assert counts.blocked == 3
    assert await median_days_to_block(db, week) == 2.0


async def test_a_check_the_database_refused_once_is_stored_on_the_second_try(
    db: AsyncSession,
    session_maker: async_sessionmaker[AsyncSession],
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    number = await make_report(db, status=S.SENT, now=clock.now)
    checker = ScriptedChecker({number: [V.DEAD]})
    real = rechecks.record_check
    failures = [OperationalError("INSERT …", {}, Exception("deadlock detected"))]

    async def refused_once(session: AsyncSession, **kwargs: Any) -> Any:
        if failures:
            raise failures.pop()
        return await real(session, **kwargs)

    monkeypatch.setattr(rechecks, "record_check", refused_once)
    run = await _run(session_maker, checker)
    assert [r.verdict for r in run.recorded] == [V.DEAD]
    assert len(checker.seen) == 1  # the check was not made again
    assert [c.verdict for c in await latest_checks(db, number)] == [V.DEAD]
