"""Outcome notices: volunteers send links, a moderator decides, one drain pass tells them."""

import asyncio

import pytest
from aiogram import Bot
from aiogram.methods import SendMessage
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.factory import create_bot
from bot.jobs.notices import NoticeDrainer
from bot.jobs.runner import JobRunner
from models.enums import Category, NoticeEvent, ReportStatus
from models.moderation import Notice
from models.report import Report
from models.volunteer import Volunteer
from services.lifecycle import Why, change_status
from services.notices import NoticeLine, VolunteerNotice
from services.pacing import PacedSender
from services.roles import ban
from tests.support.client import BotClient
from tests.support.fake_clock import FakeClock, FrozenClock
from tests.support.recording_session import RecordingSession
from tests.support.tally_world import (
    SlowAnswers,
    active_before_digest,
    almaty,
    send_links,
)
from tests.support.telegram_ids import realistic, tg_id
from tests.support.triage_helpers import make_moderator
from views.notices import render_notice


async def report_id(db: AsyncSession, handle: str) -> int:
    report = (await db.exec(select(Report).where(Report.canonical_key.contains(handle)))).one()  # type: ignore[union-attr]
    assert report.id is not None
    return report.id


async def pending(db: AsyncSession) -> list[Notice]:
    db.expire_all()
    return list((await db.exec(select(Notice).where(col(Notice.done_at).is_(None)))).all())


async def volunteer(db: AsyncSession, telegram_id: int) -> Volunteer:
    db.expire_all()
    return (
        await db.exec(select(Volunteer).where(Volunteer.telegram_id == realistic(telegram_id)))
    ).one()


@pytest.fixture
def drainer(
    bot: Bot, session_maker: async_sessionmaker[AsyncSession], i18n: I18n
) -> NoticeDrainer:
    sender = PacedSender(clock=FakeClock())
    return NoticeDrainer(bot=bot, session_maker=session_maker, sender=sender, i18n=i18n)


def messages(session: RecordingSession) -> dict[int, list[str]]:
    by_chat: dict[int, list[str]] = {}
    for request in session.sent(SendMessage):
        by_chat.setdefault(int(request.chat_id), []).append(request.text)
    return by_chat


async def test_one_message_per_volunteer_in_their_language(
    client: BotClient, db: AsyncSession, drainer: NoticeDrainer, fake_session: RecordingSession
) -> None:
    english = client.as_user(5001, language_code="en", first_name="Secret Finder")
    russian = client.as_user(5002, first_name="Другой Волонтёр")
    kazakh = client.as_user(5003, language_code="kk")
    quiet = client.as_user(5004, language_code="en")
    await english.send("t.me/shop_alpha t.me/shop_beta t.me/shop_gamma")
    await russian.send("t.me/shop_alpha")
    await kazakh.send("t.me/shop_gamma")
    await quiet.send("t.me/shop_beta")
    settings = await quiet.send("/settings")
    await quiet.press(settings, "Turn notices off")
    alpha, beta, gamma = [
        await report_id(db, h) for h in ("shop_alpha", "shop_beta", "shop_gamma")
    ]

    await change_status(db, report_ids=[alpha, beta], to=ReportStatus.ACCEPTED, actor_id=None,
                        category=Category.DRUG_SALES)  # fmt: skip
    await change_status(db, report_ids=[gamma], to=ReportStatus.REJECTED, actor_id=None,
                        why=Why(text="not drug-related <b>"))  # fmt: skip
    fake_session.clear()
    report = await drainer.drain_once()

    sent = messages(fake_session)
    assert sorted(sent) == [
        tg_id(5001),
        tg_id(5002),
        tg_id(5003),
    ]  # nobody twice, nothing for the one who opted out
    assert all(len(texts) == 1 for texts in sent.values())
    [english_text] = sent[tg_id(5001)]
    assert f"Reports #{alpha}, #{beta} were accepted." in english_text
    assert f"Report #{gamma} was rejected: not drug-related &lt;b&gt;" in english_text
    [russian_text] = sent[tg_id(5002)]
    assert f"#{alpha}" in russian_text
    assert "принят" in russian_text
    assert f"#{beta}" not in russian_text
    assert f"#{gamma}" not in russian_text
    [kazakh_text] = sent[tg_id(5003)]
    assert f"#{gamma}" in kazakh_text
    assert "not drug-related" in kazakh_text
    assert "қабылданбады" in kazakh_text
    for text in (english_text, russian_text, kazakh_text):  # never who else reported
        assert "Secret" not in text
        assert "Другой" not in text
        assert "500" not in text
    assert (report.sent, report.skipped) == (3, 1)
    assert await pending(db) == []

    fake_session.clear()
    await drainer.drain_once()
    assert fake_session.sent(SendMessage) == []


async def test_blocked_user_is_marked_unreachable_and_skipped_later(
    client: BotClient, db: AsyncSession, drainer: NoticeDrainer, fake_session: RecordingSession
) -> None:
    await client.as_user(5101).send("t.me/shop_blocked_me")
    await client.as_user(5102).send("t.me/shop_blocked_me")
    target = await report_id(db, "shop_blocked_me")
    await change_status(db, report_ids=[target], to=ReportStatus.ACCEPTED, actor_id=None)
    fake_session.clear()
    fake_session.fail_next(
        "SendMessage", error_code=403, description="Forbidden: bot was blocked by the user"
    )

    report = await drainer.drain_once()
    assert (report.sent, report.unavailable) == (1, 1)
    [blocked] = [v for v in (5101, 5102) if not (await volunteer(db, v)).is_reachable]
    assert await pending(db) == []  # the unreachable one's notice is closed, not retried
    assert len(fake_session.sent(SendMessage)) == 2

    # Later outcomes skip them without a request.
    await change_status(db, report_ids=[target], to=ReportStatus.SENT, actor_id=None)
    await change_status(db, report_ids=[target], to=ReportStatus.BLOCKED, actor_id=None)
    fake_session.clear()
    await drainer.drain_once()
    assert [int(m.chat_id) for m in fake_session.sent(SendMessage)] == [
        tg_id(5101 + 5102 - blocked)
    ]


async def test_failed_message_stays_pending_and_banned_volunteers_are_skipped(
    client: BotClient, db: AsyncSession, drainer: NoticeDrainer, fake_session: RecordingSession
) -> None:
    await client.as_user(5201).send("t.me/shop_failing")
    await client.as_user(5202).send("t.me/shop_failing")
    banned = await volunteer(db, 5202)
    banned_id = banned.id
    target = await report_id(db, "shop_failing")
    await ban(db, volunteer=banned, reason="spam", admin_ids=())
    await change_status(db, report_ids=[target], to=ReportStatus.ACCEPTED, actor_id=None)
    fake_session.clear()
    fake_session.fail_next("SendMessage", description="Bad Request: can't parse entities")

    report = await drainer.drain_once()
    assert (report.sent, report.failed, report.skipped) == (0, 1, 1)
    [left] = await pending(db)
    assert left.volunteer_id != banned_id
    # Deferred, not hammered: the next pass leaves it alone for a while.
    await drainer.drain_once()
    assert len(fake_session.sent(SendMessage)) == 1
    assert (await volunteer(db, 5201)).is_reachable


async def test_a_preset_reason_reaches_each_volunteer_in_their_language(
    client: BotClient, db: AsyncSession, drainer: NoticeDrainer, fake_session: RecordingSession
) -> None:
    """An English-speaking moderator presses «not drug-related»: its code is stored, and each
    volunteer reads the reason in their own language."""
    for user_id, language in ((5101, "ru"), (5102, "kk"), (5103, "en")):
        await client.as_user(user_id, language_code=language).send("t.me/shop_delta")
    delta = await report_id(db, "shop_delta")
    moderator = await make_moderator(client, 500)
    card = await moderator.send("/queue")
    reasons = await moderator.press(card, "Reject")
    await moderator.press(reasons, "not drug-related")
    fake_session.clear()
    await drainer.drain_once()
    sent = messages(fake_session)
    [russian], [kazakh], [english] = (sent[tg_id(n)] for n in (5101, 5102, 5103))
    assert f"#{delta}" in russian
    assert "не связано с наркотиками" in russian
    assert f"#{delta}" in kazakh
    assert "есірткіге қатысы жоқ" in kazakh
    assert f"Report #{delta} was rejected: not drug-related" in english
    assert "not drug-related" not in russian + kazakh

    [russian_text] = messages(fake_session)[tg_id(5101)]
    assert "не связано с наркотиками" in russian_text


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    return FrozenClock(monkeypatch, almaty(11, 18))


def test_a_notice_stays_within_telegrams_limit(i18n: I18n) -> None:
    lines = tuple(
        NoticeLine(NoticeEvent.REJECTED, (n,), reason=f"{n}: " + "a long typed reason " * 20)
        for n in range(1, 41)
    )
    notice = VolunteerNotice(1, 1, "en", None, tuple(range(1, 41)), lines)
    text = render_notice(i18n, notice)
    assert len(text) <= 4096
    assert "/my" in text
    assert "#1" in text


async def test_stopping_the_drainer_mid_send_closes_the_notice_and_leaves_no_task(
    db: AsyncSession,
    clock: FrozenClock,
    settings: Settings,
    session_maker: async_sessionmaker[AsyncSession],
    i18n: I18n,
) -> None:
    [person] = await active_before_digest(clock, db, 1)
    [report_id] = await send_links(db, person, "t.me/review_shop_000")
    await change_status(db, report_ids=[report_id], to=ReportStatus.REJECTED, actor_id=None)
    session = SlowAnswers()
    sender = PacedSender(clock=FakeClock())
    drainer = NoticeDrainer(
        bot=create_bot(settings, session), session_maker=session_maker, sender=sender, i18n=i18n
    )
    runner = JobRunner()
    runner.add(drainer.job())
    runner.start()
    await asyncio.wait_for(session.arrived.wait(), 10)

    stopping = asyncio.create_task(runner.stop())
    # Telegram answers once the stop has cancelled the drainer: the loop runs callbacks in the
    # order they were scheduled, and the stop's first step (the cancel) was scheduled first.
    asyncio.get_running_loop().call_soon(session.answers.set)
    await stopping

    rows = (await db.exec(select(Notice).where(col(Notice.done_at).is_(None)))).all()
    assert rows == []  # Telegram had it: a restart must not send it again
    # What the stop left behind (the paced sender's scheduler winding down) must end by itself.
    left = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    if left:
        _, pending = await asyncio.wait(left, timeout=10)
        assert not pending, pending
