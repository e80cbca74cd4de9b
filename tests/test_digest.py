"""The weekly digest: a fixture week's exact numbers, its chart, languages, exactly-once delivery.

Fixture (Almaty time, built through intake and the lifecycle, see tests/support/tally_world.py):
week 46 — A finds #1 t.me/shop_one and #2 shop-two.kz (Tue 10), G photographs a wall in
Almaly; #1 accepted (Wed 11 12:00).
week 47 — B confirms #1 and finds #3, C confirms #3 and finds #4 (Mon 16); #2 and #3 accepted
(Mon 16 12:00); G photographs three walls (Almaly, Almaly, Medeu) on Tue 17; #4 rejected and
the four walls accepted (Tue 17); #1 #2 #3 sent (Wed 18); #1 blocked (Thu 19 12:00: 8 days
after acceptance); #3 blocked (Fri 20 12:00: 4 days); D sends the blocked #1 and the first
Almaly wall of the week is painted over (Sat 21).
"""

import asyncio
import io
from datetime import timedelta

import pytest
from aiogram import Bot
from aiogram.methods import SendMessage, SendPhoto
from aiogram.utils.i18n import I18n
from PIL import Image
from sqlalchemy import func
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.factory import create_bot
from bot.jobs.digest import BulkMessages, weekly_digest
from bot.jobs.runner import JobRunner
from models.digest import DigestDelivery
from models.enums import District
from services.digest.build import build_digest
from services.digest.counts import WeekCounts
from services.digest.deliveries import DigestRunReport
from services.pacing import PacedSender
from services.schedule import due_week, next_moment, parse_clock
from services.tallies import PointWeights
from services.weeks import Week
from tests.support.accounts import ADMIN_ID
from tests.support.client import BotClient, texts
from tests.support.fake_clock import FakeClock, FrozenClock
from tests.support.recording_session import RecordingSession
from tests.support.tally_world import (
    ScriptedSession,
    SlowAnswers,
    active_before_digest,
    active_volunteers,
    almaty,
    fixture_weeks,
    with_digest_chats,
)
from views.digest import render_for_chat

W47 = Week(2026, 47)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    return FrozenClock(monkeypatch, almaty(11, 1))


async def test_fixture_week_numbers(db: AsyncSession, clock: FrozenClock) -> None:
    people = await fixture_weeks(db, clock)
    g = people["g"]
    g.nickname, g.public_consent = "Street Fox", True
    db.add(g)
    await db.commit()

    digest = await build_digest(db, week=W47, weights=PointWeights())

    assert digest.current == WeekCounts(
        links=5, photos=3, targets=2, accepted=2, sent=3, blocked=2, graffiti=3, painted_over=1
    )
    assert digest.previous == WeekCounts(
        links=2, photos=1, targets=2, accepted=1, sent=0, blocked=0, graffiti=1, painted_over=0
    )
    assert digest.median_days == pytest.approx(6.0)
    assert [(d.district, d.reported, d.painted_over) for d in digest.districts] == [
        (District.ALMALY, 2, 1),
        (District.MEDEU, 1, 0),
    ]
    # G: a painted wall (10) and two accepted walls (3 + 3); B: a confirmation before the block
    # (1) and a blocked find (10); C: a confirmation (1), the rejected find earns nothing;
    # D confirmed a target already blocked: no points, not ranked.
    assert [(row.rank, row.points, row.name) for row in digest.top.rows] == [
        (1, 16, "Street Fox"),
        (2, 11, None),
        (3, 1, None),
    ]
    assert [w.key for w, _ in digest.history][-2:] == ["2026-W46", "2026-W47"]
    assert len(digest.history) == 12


async def test_digest_text_chart_and_languages(
    db: AsyncSession, clock: FrozenClock, i18n: I18n
) -> None:
    people = await fixture_weeks(db, clock)
    digest = await build_digest(db, week=W47, weights=PointWeights())

    texts = {}
    for locale in ("ru", "kk", "en"):
        text, png = await render_for_chat(digest, i18n, locale)
        texts[locale] = text
        assert png.startswith(PNG_SIGNATURE)
        with Image.open(io.BytesIO(png)) as image:
            image.verify()
            assert image.format == "PNG"
    assert "Links received: <b>5</b> (previous week 2, +3)" in texts["en"]
    assert "Median days from acceptance to blocking: <b>6.0</b>" in texts["en"]
    assert "Almaly: 2 / 1" in texts["en"]
    assert "Получено ссылок" in texts["ru"]
    assert "Алмалинский: 2 / 1" in texts["ru"]
    assert "сілтеме" in texts["kk"].lower()
    for text in texts.values():
        for person in people.values():
            for secret in (person.first_name, person.username, str(person.telegram_id)):
                assert not secret or secret not in text, (secret, text)


def _copies(*sessions: ScriptedSession) -> dict[int, int]:
    counts: dict[int, int] = {}
    for session in sessions:
        for method in session.delivered:
            if isinstance(method, SendMessage):
                counts[int(method.chat_id)] = counts.get(int(method.chat_id), 0) + 1
    return counts


async def test_crash_half_way_then_restart_delivers_each_copy_once(
    db: AsyncSession,
    clock: FrozenClock,
    settings: Settings,
    session_maker: async_sessionmaker[AsyncSession],
    i18n: I18n,
) -> None:
    clock.set(almaty(11, 18))
    people = await active_volunteers(db, 8)
    clock.set(almaty(11, 23, 11))
    config = with_digest_chats(settings, [(-1001, "ru"), (-1002, "kk")])
    expected = {-1001, -1002, *(p.telegram_id for p in people)}

    first = ScriptedSession()
    first.crash_after = 6  # two chats (text + chart each) and two volunteers
    # A killed process gives its sends no grace (a stop does: see
    # test_a_stop_mid_digest_records_what_reached_telegram).
    bulk = BulkMessages(settings=config, session_maker=session_maker, i18n=i18n,
                        sender=PacedSender(rate_per_second=1000, stop_grace=0,
                                           clock=FakeClock()))  # fmt: skip
    run = asyncio.create_task(bulk.run_digest(bot=create_bot(config, first), week=W47))
    await asyncio.wait_for(first.crash.wait(), 10)
    async with asyncio.timeout(10):  # in this task: settled() skips the task that awaits it
        await first.settled(besides={run})  # what reached Telegram is recorded; now "kill"
    run.cancel()
    with pytest.raises(asyncio.CancelledError):
        await run
    recorded = (await db.exec(select(func.count()).select_from(DigestDelivery))).one()
    assert 0 < recorded < len(expected)

    second = ScriptedSession()
    bulk = BulkMessages(settings=config, session_maker=session_maker, i18n=i18n,
                        sender=PacedSender(rate_per_second=1000, clock=FakeClock()))  # fmt: skip
    report = await bulk.run_digest(bot=create_bot(config, second), week=W47)
    assert report.progress is not None
    assert report.progress.failed == 0

    assert _copies(first, second) == dict.fromkeys(expected, 1)
    charts = [m.chat_id for s in (first, second) for m in s.delivered if isinstance(m, SendPhoto)]
    assert sorted(charts) == [-1002, -1001]
    rows = (await db.exec(select(DigestDelivery).where(DigestDelivery.week == W47.key))).all()
    assert len(rows) == len(expected)

    again = ScriptedSession()
    report = await bulk.run_digest(bot=create_bot(config, again), week=W47)
    assert report.progress is None
    assert again.delivered == []


async def test_blocked_volunteer_is_marked_unreachable_and_skipped(
    db: AsyncSession,
    clock: FrozenClock,
    settings: Settings,
    session_maker: async_sessionmaker[AsyncSession],
    i18n: I18n,
) -> None:
    clock.set(almaty(11, 18))
    people = await active_volunteers(db, 3)
    quiet = people[2]
    quiet.personal_digest_enabled = False
    db.add(quiet)
    await db.commit()
    clock.set(almaty(11, 23, 11))
    session = ScriptedSession()
    session.blocked.add(people[0].telegram_id)
    bulk = BulkMessages(settings=settings, session_maker=session_maker, i18n=i18n,
                        sender=PacedSender(rate_per_second=1000, clock=FakeClock()))  # fmt: skip
    report = await bulk.run_digest(bot=create_bot(settings, session), week=W47)

    assert report.progress is not None
    assert (report.progress.sent, report.progress.unavailable) == (1, 1)
    assert _copies(session) == {people[1].telegram_id: 1}  # the one who turned it off: nothing
    await db.refresh(people[0])
    assert people[0].is_reachable is False
    [message] = [m for m in session.delivered if isinstance(m, SendMessage)]
    assert "Ваша неделя" in message.text


def test_schedule_moment_and_catch_up() -> None:
    at = parse_clock("10:00")
    monday_early = almaty(11, 23, 9, 59)
    assert due_week(monday_early, weekday=1, at=at) is None
    assert next_moment(monday_early, weekday=1, at=at) == almaty(11, 23, 10)
    # Down at the moment, started on Wednesday: the previous week's digest is due now.
    assert due_week(almaty(11, 25, 15), weekday=1, at=at) == W47
    assert next_moment(almaty(11, 25, 15), weekday=1, at=at) == almaty(11, 30, 10)
    assert due_week(almaty(11, 27, 9), weekday=5, at=at) is None
    assert due_week(almaty(11, 27, 10), weekday=5, at=at) == W47
    sunday_night = almaty(11, 29, 23, 59)
    assert due_week(sunday_night + timedelta(minutes=2), weekday=1, at=at) is None


async def test_scheduler_catches_up_on_start(
    db: AsyncSession,
    clock: FrozenClock,
    settings: Settings,
    session_maker: async_sessionmaker[AsyncSession],
    i18n: I18n,
) -> None:
    clock.set(almaty(11, 18))
    [person] = await active_volunteers(db, 1)
    session = ScriptedSession()
    bulk = BulkMessages(settings=settings, session_maker=session_maker, i18n=i18n,
                        sender=PacedSender(rate_per_second=1000, clock=FakeClock()))  # fmt: skip
    bot: Bot = create_bot(settings, session)
    clock.set(almaty(11, 25, 15))
    runner = JobRunner(clock=clock)
    runner.add(weekly_digest(bot=bot, bulk=bulk, settings=settings))
    report = await runner.run_once("weekly-digest")
    assert isinstance(report, DigestRunReport)
    assert report.week == W47
    assert _copies(session) == {person.telegram_id: 1}
    assert await runner.run_once("weekly-digest") is not None
    assert _copies(session) == {person.telegram_id: 1}


async def test_staff_digest_commands(client: BotClient) -> None:
    volunteer = client.as_user(1234, language_code="en")
    refused = texts(await volunteer.send("/digest_preview"))
    assert refused == ["This command is for moderators only."]
    admin = client.as_user(ADMIN_ID, language_code="en")
    await admin.send("/start")
    shown = await admin.send("/digest_preview")
    assert any("Preview, not posted" in t for t in texts(shown))
    assert any(isinstance(r, SendPhoto) for r in shown)
    posted = texts(await admin.send("/digest_now"))
    assert any("Everyone already has" in t or "posted" in t for t in posted)


def _copies_sent(*sessions: RecordingSession) -> dict[int, int]:
    counts: dict[int, int] = {}
    for session in sessions:
        for method in session.sent(SendMessage):
            counts[int(method.chat_id)] = counts.get(int(method.chat_id), 0) + 1
    return counts


def _bulk(config: Settings, maker: async_sessionmaker[AsyncSession], i18n: I18n) -> BulkMessages:
    sender = PacedSender(rate_per_second=1000, clock=FakeClock())
    return BulkMessages(settings=config, session_maker=maker, i18n=i18n, sender=sender)


async def test_digest_now_during_the_scheduled_run_sends_nobody_a_second_copy(
    db: AsyncSession,
    clock: FrozenClock,
    settings: Settings,
    session_maker: async_sessionmaker[AsyncSession],
    i18n: I18n,
) -> None:
    """The scheduler and /digest_now share one BulkMessages: runs must not overlap."""
    people = await active_before_digest(clock, db, 6)
    config = with_digest_chats(settings, [(-1001, "ru")])
    bulk = _bulk(config, session_maker, i18n)
    # Every answer of the first run is held until all its first requests are in (the chat's
    # text and one per volunteer; the chart follows the text's answer): no send is recorded
    # before the second run could have read who is waiting.
    session = SlowAnswers(answer_after=1 + len(people))
    bot = create_bot(config, session)

    await asyncio.gather(bulk.run_digest(bot=bot, week=W47), bulk.run_digest(bot=bot, week=W47))

    assert _copies_sent(session) == dict.fromkeys([-1001, *(p.telegram_id for p in people)], 1)


async def test_a_stop_mid_digest_records_what_reached_telegram(
    db: AsyncSession,
    clock: FrozenClock,
    settings: Settings,
    session_maker: async_sessionmaker[AsyncSession],
    i18n: I18n,
) -> None:
    """Shutdown cancels the run while answers are on their way: a restart must not repeat."""
    people = await active_before_digest(clock, db, 6)
    config = with_digest_chats(settings, [(-1001, "ru")])
    first = SlowAnswers()
    run = asyncio.create_task(
        _bulk(config, session_maker, i18n).run_digest(bot=create_bot(config, first), week=W47)
    )
    await asyncio.wait_for(first.arrived.wait(), 10)
    run.cancel()
    # The answers come after the cancellation (the loop runs the cancelled task first).
    first.answers.set()
    with pytest.raises(asyncio.CancelledError):
        await run

    second = RecordingSession()
    await _bulk(config, session_maker, i18n).run_digest(bot=create_bot(config, second), week=W47)

    expected = dict.fromkeys([-1001, *(p.telegram_id for p in people)], 1)
    assert _copies_sent(first, second) == expected


async def test_a_chart_refused_by_the_chat_does_not_repeat_the_text_every_hour(
    db: AsyncSession,
    clock: FrozenClock,
    settings: Settings,
    session_maker: async_sessionmaker[AsyncSession],
    i18n: I18n,
) -> None:
    await active_before_digest(clock, db, 1)
    config = with_digest_chats(settings, [(-1001, "ru")])
    bulk = _bulk(config, session_maker, i18n)
    session = RecordingSession()
    bot = create_bot(config, session)
    for _ in range(3):  # the scheduler's hourly passes
        session.fail_next(
            "SendPhoto", description="Bad Request: not enough rights to send photos to the chat"
        )
    for _ in range(3):
        await bulk.run_digest(bot=bot, week=W47)

    assert _copies_sent(session)[-1001] == 1
    rows = (await db.exec(select(DigestDelivery.recipient_id))).all()
    assert -1001 in rows


async def test_the_channel_digest_ends_by_inviting_readers_to_the_bot(
    db: AsyncSession,
    clock: FrozenClock,
    settings: Settings,
    session_maker: async_sessionmaker[AsyncSession],
    i18n: I18n,
) -> None:
    """Through the scheduled job: each chat's post ends with the bot's @username from getMe, in
    the chat's language; volunteers' personal messages carry no invitation."""
    [person] = await active_before_digest(clock, db, 1)
    config = with_digest_chats(settings, [(-1001, "ru"), (-1002, "kk"), (-1003, "en")])
    session = RecordingSession()
    runner = JobRunner(clock=clock)
    bot = create_bot(config, session)
    runner.add(weekly_digest(bot=bot, bulk=_bulk(config, session_maker, i18n), settings=config))

    report = await runner.run_once("weekly-digest")

    assert isinstance(report, DigestRunReport)
    last_lines = {int(m.chat_id): m.text.splitlines()[-1] for m in session.sent(SendMessage)}
    assert last_lines == {
        -1001: "Хотите помочь? Станьте киберволонтёром: @test_bot",
        -1002: "Көмектескіңіз келе ме? Киберволонтер болыңыз: @test_bot",
        -1003: "Want to help? Become a cyber-volunteer: @test_bot",
        person.telegram_id: last_lines[person.telegram_id],
    }
    assert "@test_bot" not in last_lines[person.telegram_id]
    assert sum(type(r).__name__ == "GetMe" for r in session.requests) == 1
