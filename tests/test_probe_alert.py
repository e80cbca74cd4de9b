"""The recheck job through the job runner: checks under a frozen clock, and the moderators'
ONE alert listing every report that reappeared in a run — to the moderators' group, or to each
moderator and administrator in their language — sent once, even across a restart."""

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.methods import SendMessage
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.factory import background_of, deps_of
from bot.jobs.periodic import declare_jobs
from bot.jobs.rechecks import Rechecks, RechecksRun
from bot.jobs.runner import JobRunner
from models.enums import NoticeEvent, ReportStatus, Role, TargetKind, Verdict
from models.probe import ProbeAlert
from models.volunteer import Volunteer
from services.notices import NoticeLine, VolunteerNotice
from services.pacing import PacedSender
from services.probe.options import ProbeOptions
from tests.support.accounts import ADMIN_ID
from tests.support.fake_clock import FakeClock, FrozenClock
from tests.support.mod_summary import GROUP
from tests.support.probe_world import ScriptedChecker, make_report
from tests.support.recording_session import RecordingSession
from tests.support.tally_world import almaty
from tests.support.telegram_ids import tg_id
from views.notices import render_notice

S = ReportStatus
ONLINE = Verdict.ONLINE


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    return FrozenClock(monkeypatch, almaty(12, 1))


def _declare(
    dispatcher: Dispatcher, bot: Bot, i18n: I18n, runner: JobRunner, **kwargs: Any
) -> None:
    background, deps = background_of(dispatcher), deps_of(dispatcher)
    declare_jobs(
        runner, bot=bot, settings=background.settings, session_maker=background.session_maker,
        sender=PacedSender(clock=FakeClock()), i18n=i18n, notice_wakeup=asyncio.Event(),
        graffiti_options=deps.graffiti_options, phash_index=deps.phash_index,
        storage=dispatcher.storage, bulk=background.bulk, **kwargs,
    )  # fmt: skip


def _messages(fake_session: RecordingSession, chat_id: int) -> list[str]:
    return [m.text for m in fake_session.sent(SendMessage) if int(m.chat_id) == chat_id]


async def test_one_alert_lists_every_report_that_reappeared_in_a_run(
    *,
    bot: Bot,
    dispatcher: Dispatcher,
    i18n: I18n,
    db: AsyncSession,
    fake_session: RecordingSession,
    clock: FrozenClock,
) -> None:
    now = clock.now
    back = [
        await make_report(db, status=S.BLOCKED, now=now, key="shop-back.kz"),
        await make_report(db, status=S.REMOVED, now=now, kind=TargetKind.TELEGRAM),
        await make_report(db, status=S.BLOCKED, now=now, key="mirror.kz/<b>"),
    ]
    still_blocked = await make_report(db, status=S.BLOCKED, now=now)
    checker = ScriptedChecker({n: [ONLINE, ONLINE] for n in back})
    checker.then(still_blocked, ONLINE, Verdict.BLOCKED_TLS)
    runner = JobRunner(clock=clock)
    _declare(dispatcher, bot, i18n, runner, moderation_chat_id=GROUP, checker=checker)

    first = await runner.run_once("probe-rechecks")
    assert isinstance(first, RechecksRun)
    assert (first.checked.reappeared, first.alerted) == ([], 0)
    assert _messages(fake_session, GROUP) == []

    clock.set(now + timedelta(days=2))
    second = await runner.run_once("probe-rechecks")
    assert isinstance(second, RechecksRun)
    assert sorted(second.checked.reappeared) == back
    assert second.alerted == 3
    [alert] = _messages(fake_session, GROUP)
    # The moderators' group reads Russian, as the summary of new reports does.
    assert "3 жалобы снова доступны" in alert
    for number in back:
        assert f"#{number} " in alert
    assert f"#{still_blocked}" not in alert
    assert "<code>https://mirror.kz/&lt;b&gt;</code>" in alert
    assert "/batch" in alert

    # Nothing new: no second alert, neither in the next run nor after a restart.
    clock.set(now + timedelta(days=4))
    checker.then(still_blocked, Verdict.BLOCKED_TLS)
    assert (await runner.run_once("probe-rechecks")).alerted == 0  # type: ignore[attr-defined]
    restarted = JobRunner(clock=clock)
    _declare(dispatcher, bot, i18n, restarted, moderation_chat_id=GROUP, checker=checker)
    assert (await restarted.run_once("probe-rechecks")).alerted == 0  # type: ignore[attr-defined]
    assert len(_messages(fake_session, GROUP)) == 1


async def test_without_a_group_each_moderator_hears_it_in_their_language(
    *,
    bot: Bot,
    i18n: I18n,
    db: AsyncSession,
    session_maker: async_sessionmaker[AsyncSession],
    fake_session: RecordingSession,
    clock: FrozenClock,
) -> None:
    moderator = Volunteer(telegram_id=tg_id(77), role=Role.MODERATOR, language="kk")
    db.add_all([moderator, Volunteer(telegram_id=ADMIN_ID, language="en")])
    await db.commit()
    number = await make_report(db, status=S.BLOCKED, now=clock.now)
    checker = ScriptedChecker({number: [ONLINE, ONLINE]})
    options = ProbeOptions()
    rechecks = Rechecks(
        bot=bot, session_maker=session_maker, sender=PacedSender(clock=FakeClock()), i18n=i18n,
        checker=checker, options=options, admin_ids=[ADMIN_ID], moderation_chat_id=None,
    )  # fmt: skip
    await rechecks.tick(clock.now)
    clock.set(clock.now + timedelta(days=2))
    # The first delivery fails: the alert stays pending and goes out with the next pass.
    fake_session.fail_next("SendMessage", error_code=400, description="Bad Request: test")
    fake_session.fail_next("SendMessage", error_code=400, description="Bad Request: test")
    run = await rechecks.tick(clock.now)
    assert (run.checked.reappeared, run.alerted) == ([number], 0)
    assert (await db.exec(select(ProbeAlert.sent_at))).all() == [None]
    fake_session.clear()

    assert await rechecks.alert() == 1
    [english] = _messages(fake_session, ADMIN_ID)
    [kazakh] = _messages(fake_session, tg_id(77))
    assert f"1 report is back online</b> (two automatic checks in a row):\n• #{number} " in english
    assert "шағым қайта қолжетімді" in kazakh
    assert f"#{number}" in kazakh
    assert await rechecks.alert() == 0


async def test_the_job_is_declared_only_with_a_checker_and_the_probe_enabled(
    bot: Bot, dispatcher: Dispatcher, i18n: I18n
) -> None:
    declared = []
    settings = background_of(dispatcher).settings
    for checker, enabled in ((None, True), (ScriptedChecker(), True), (ScriptedChecker(), False)):
        settings.probe.enabled = enabled
        runner = JobRunner()
        _declare(dispatcher, bot, i18n, runner, moderation_chat_id=None, checker=checker)
        declared.append("probe-rechecks" in runner.names)
    settings.probe.enabled = True
    assert declared == [False, True, False]


def test_a_volunteer_hears_of_a_removed_report_in_their_language(i18n: I18n) -> None:
    line = NoticeLine(NoticeEvent.REMOVED, (12, 15))
    shown = {
        language: render_notice(i18n, VolunteerNotice(1, tg_id(1), language, None, (1,), (line,)))
        for language in ("ru", "kk", "en")
    }
    assert "• Reports #12, #15 have been taken down." in shown["en"]
    assert "• Ресурсы по жалобам #12, #15 удалены." in shown["ru"]
    assert "• #12, #15 шағымдары бойынша ресурстар жойылды." in shown["kk"]
    # Good news: thanked, as for blocked reports; no probe details.
    assert "Thank you" in shown["en"]
