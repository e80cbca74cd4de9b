"""Review of notices, pacing, tallies and the digest: each test pins a defect that was fixed."""

import asyncio

import pytest
from aiogram import Bot
from aiogram.methods import AnswerCallbackQuery, SendMessage, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.factory import create_bot
from bot.jobs.digest import BulkMessages
from bot.jobs.notices import NoticeDrainer
from bot.jobs.runner import JobRunner
from handlers.notice_texts import render_notice
from models.base import saved_id
from models.enums import NoticeEvent, ReportStatus
from models.moderation import Notice
from models.tallies import DigestDelivery, Squad
from models.volunteer import Volunteer
from services import privacy, squads
from services.lifecycle import change_status
from services.notices import NoticeLine, VolunteerNotice
from services.pacing import Delivery, PacedSender
from services.weeks import Week
from tests.support.accounts import ADMIN_ID
from tests.support.client import BotClient, texts
from tests.support.recording_session import NOT_MODIFIED, RecordingSession
from tests.support.tally_world import (
    FakeClock,
    FrozenClock,
    active_volunteers,
    almaty,
    make_volunteer,
    send_links,
    with_digest_chats,
)
from tests.support.telegram_ids import tg_id

W47 = Week(2026, 47)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    return FrozenClock(monkeypatch, almaty(11, 18))


class SlowAnswers(RecordingSession):
    """Telegram gets every request at once; its answers come back only once `answers` is set
    (by the test, or by itself when `answer_after` requests are in): a test decides when."""

    def __init__(self, answer_after: int | None = None) -> None:
        super().__init__()
        self.answer_after = answer_after
        self.arrived = asyncio.Event()
        self.answers = asyncio.Event()

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        result = await super().make_request(bot, method, timeout)
        self.arrived.set()
        if self.answer_after is not None and len(self.requests) >= self.answer_after:
            self.answers.set()
        await self.answers.wait()
        return result


def _copies(*sessions: RecordingSession) -> dict[int, int]:
    counts: dict[int, int] = {}
    for session in sessions:
        for method in session.sent(SendMessage):
            counts[int(method.chat_id)] = counts.get(int(method.chat_id), 0) + 1
    return counts


async def _active(clock: FrozenClock, db: AsyncSession, count: int) -> list[Volunteer]:
    clock.set(almaty(11, 18))
    people = await active_volunteers(db, count, first_id=7100)
    clock.set(almaty(11, 23, 11))
    return people


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
    people = await _active(clock, db, 6)
    config = with_digest_chats(settings, [(-1001, "ru")])
    bulk = _bulk(config, session_maker, i18n)
    # Every answer of the first run is held until all its first requests are in (the chat's
    # text and one per volunteer; the chart follows the text's answer): no send is recorded
    # before the second run could have read who is waiting.
    session = SlowAnswers(answer_after=1 + len(people))
    bot = create_bot(config, session)

    await asyncio.gather(bulk.run_digest(bot=bot, week=W47), bulk.run_digest(bot=bot, week=W47))

    assert _copies(session) == dict.fromkeys([-1001, *(p.telegram_id for p in people)], 1)


async def test_a_stop_mid_digest_records_what_reached_telegram(
    db: AsyncSession,
    clock: FrozenClock,
    settings: Settings,
    session_maker: async_sessionmaker[AsyncSession],
    i18n: I18n,
) -> None:
    """Shutdown cancels the run while answers are on their way: a restart must not repeat."""
    people = await _active(clock, db, 6)
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
    assert _copies(first, second) == expected


async def test_a_chart_refused_by_the_chat_does_not_repeat_the_text_every_hour(
    db: AsyncSession,
    clock: FrozenClock,
    settings: Settings,
    session_maker: async_sessionmaker[AsyncSession],
    i18n: I18n,
) -> None:
    await _active(clock, db, 1)
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

    assert _copies(session)[-1001] == 1
    rows = (await db.exec(select(DigestDelivery.recipient_id))).all()
    assert -1001 in rows


async def test_a_cancelled_delivery_waits_for_sends_already_on_their_way() -> None:
    recorded: list[int] = []
    started: list[int] = []
    all_started = asyncio.Event()
    answers = asyncio.Event()  # Telegram has the sends; their answers come once this is set

    def delivery(chat_id: int) -> Delivery:
        async def send() -> None:
            started.append(chat_id)
            if len(started) == 3:
                all_started.set()
            await answers.wait()

        return Delivery(chat_id=chat_id, send=send)

    async def note(delivery: Delivery, outcome: object) -> None:
        recorded.append(delivery.chat_id)

    sender = PacedSender(rate_per_second=1000, clock=FakeClock())
    task = asyncio.create_task(
        sender.deliver([delivery(c) for c in (1, 2, 3, 4)], on_outcome=note)
    )
    await all_started.wait()
    task.cancel()
    # The answers arrive only after the cancellation: a sender that dropped its sends on
    # cancel would have cancelled them first (the loop runs the cancelled task first).
    answers.set()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert sorted(recorded) == sorted(started) and len(started) in (3, 4)
    assert not [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()
                and t.get_name() != "paced-sender"]  # fmt: skip


async def test_squad_names_are_unique_whatever_the_case_in_any_alphabet(db: AsyncSession) -> None:
    admin = await make_volunteer(db, 1)
    first = await squads.create_squad(db, name="КазНУ Юрфак", created_by_id=saved_id(admin))
    assert first is not None
    assert await squads.create_squad(db, name="КазНУ Юрфак", created_by_id=saved_id(admin)) is None
    assert (
        await squads.create_squad(db, name="казну  юрфак", created_by_id=saved_id(admin)) is None
    )
    assert len((await db.exec(select(Squad))).all()) == 1


async def test_squad_curator_echoes_an_unknown_name_escaped(client: BotClient) -> None:
    admin = client.as_user(ADMIN_ID, language_code="en")
    await admin.send("/start")
    answer = texts(await admin.send("/squad_curator ABCDEF <b>x"))
    # No squad ABCDEF: the code is checked first.
    assert answer == ["There is no squad with this code. Check it with your curator."]
    created = texts(await admin.send("/squad_add Review Squad"))
    code = created[0].split("<code>")[1].split("</code>")[0]
    answer = texts(await admin.send(f"/squad_curator {code} <b>x"))
    assert answer == ["I do not know &lt;b&gt;x: they must write to the bot first."]


async def test_a_second_tap_on_a_privacy_button_is_answered_without_an_error(
    client: BotClient, fake_session: RecordingSession
) -> None:
    volunteer = client.as_user(1234, language_code="en")
    await volunteer.send("/privacy Night Owl")
    fake_session.fail_next(
        "EditMessageText",
        description=NOT_MODIFIED,
    )
    requests = await volunteer.click("privacy:digest_off", message_id=1)
    answers = [r for r in requests if isinstance(r, AnswerCallbackQuery)]
    assert [a.text for a in answers] == ["Saved."]
    assert not [r for r in requests if isinstance(r, SendMessage)]


def test_a_phone_number_is_not_a_nickname() -> None:
    person = Volunteer(telegram_id=tg_id(1), first_name="Aruzhan")
    for phone in ("8-701-123-45-67", "701 123 4567", "777.123.45", "Aru 87011234567"):
        assert privacy.check_nickname(person, phone) is privacy.NicknameProblem.PHONE
    assert privacy.check_nickname(person, "Owl 2007") is None


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


async def test_a_broadcast_written_on_the_next_line_is_sent_whole(
    client: BotClient, fake_session: RecordingSession
) -> None:
    admin = client.as_user(ADMIN_ID, language_code="en")
    await admin.send("/start")
    requests = await admin.send("/broadcast\nHello all,\nsee you on Saturday")
    copies = [r.text for r in requests if isinstance(r, SendMessage) and "Saturday" in r.text]
    assert copies == ["Hello all,\nsee you on Saturday"]


async def test_stopping_the_drainer_mid_send_closes_the_notice_and_leaves_no_task(
    db: AsyncSession,
    clock: FrozenClock,
    settings: Settings,
    session_maker: async_sessionmaker[AsyncSession],
    i18n: I18n,
) -> None:
    [person] = await _active(clock, db, 1)
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
