"""Scale-out (issue 10): two web instances and one worker on one PostgreSQL and one Redis,
against the fake Bot API, double nothing and lose nothing.

Every instance is built as `python -m bot` builds its role (bot/roles.py), in this process:
the web instances are dispatchers whose background work is elsewhere (`here.active` false,
no job declared), each with its own engine and bot; the workers declare every periodic job
and do them only while holding the worker lock. All paced senders share one virtual clock:
the combined send rate is measured on it, so a loaded machine changes nothing. Time of the
job loops and of the lock's retries is stepped by the test (tests/support/fake_clock.py).

Runs only when TEST_DATABASE_URL (PostgreSQL) and TEST_REDIS_URL are set (bash .ci/run).
"""

import asyncio
import os
import re
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.methods import SendMessage, SendPhoto, TelegramMethod
from aiogram.types import Update
from aiogram.utils.i18n import I18n
from sqlalchemy import func, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.factory import background_of, create_bot, create_dispatcher, deps_of
from bot.jobs.periodic import declare_jobs
from bot.roles import BackgroundWork
from bot.worker_lock import WorkerLock
from models.engine import create_engine, create_session_maker
from models.enums import ReportStatus, Role
from models.report import Report, Sighting
from models.volunteer import Volunteer
from services import volunteers
from services.pacing import PacedSender
from services.roles import set_role
from tests.support.fake_bot_api import FakeBotAPI, private_message
from tests.support.fake_clock import FakeClock, FrozenClock, SteppedClock
from tests.support.tally_world import almaty
from tests.support.telegram_ids import tg_id

REDIS_URL = os.environ.get("TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set")

RATE = 25.0  # [sender] rate_per_second of every instance
VOLUNTEERS = 40
ROUNDS = 5  # each moderator takes and accepts this many cards
CUT_AFTER = 15  # the worker dies after this many digest messages
CARD = re.compile(r"<b>#(\d+)</b>")
WEDNESDAY, SATURDAY, DIGEST_DAY = almaty(11, 18), almaty(11, 21), almaty(11, 23, 11)


class SharedClock(FakeClock):
    """One virtual timeline for every paced sender; `pause()` holds every sleep (nothing
    more is sent) until `resume()`: a worker killed there is killed mid-digest."""

    def __init__(self) -> None:
        super().__init__()
        self._running = asyncio.Event()
        self._running.set()
        self.held = asyncio.Event()

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self.held.clear()
        self._running.set()

    async def sleep(self, seconds: float) -> None:
        if not self._running.is_set():
            self.held.set()
            await self._running.wait()
        await super().sleep(seconds)


@dataclass(frozen=True)
class Sent:
    instance: str
    at: float  # on the shared clock
    chat_id: int
    text: str


class SendLog:
    """Every message the instances send, with the shared clock's time (a session middleware:
    what leaves for the Bot API, whatever answers)."""

    def __init__(self, clock: SharedClock) -> None:
        self.clock = clock
        self.sent: list[Sent] = []
        self.cut_after: int | None = None  # pause the clock after this many more sends

    def watch(self, bot: Bot, instance: str) -> None:
        async def record(
            make_request: Callable[[Bot, TelegramMethod[Any]], Awaitable[Any]],
            bot: Bot,
            method: TelegramMethod[Any],
        ) -> Any:
            if isinstance(method, SendMessage | SendPhoto):
                text = method.text if isinstance(method, SendMessage) else ""
                self.sent.append(Sent(instance, self.clock.now, int(method.chat_id), text))
                if self.cut_after is not None:
                    self.cut_after -= 1
                    if self.cut_after == 0:
                        self.clock.pause()
            return await make_request(bot, method)

        bot.session.middleware(record)

    def since(self, start: int, instance_prefix: str = "") -> list[Sent]:
        return [s for s in self.sent[start:] if s.instance.startswith(instance_prefix)]


def _live_bot(settings: Settings, api: FakeBotAPI) -> Bot:
    return create_bot(settings, AiohttpSession(api=TelegramAPIServer.from_base(api.base_url)))


class Web:
    """A `--role web` instance: updates only."""

    def __init__(
        self, name: str, settings: Settings, i18n: I18n, api: FakeBotAPI, log: SendLog
    ) -> None:
        self.engine = create_engine(settings.database.url)
        self.dispatcher = create_dispatcher(
            settings=settings,
            session_maker=create_session_maker(self.engine),
            i18n=i18n,
            sender=PacedSender(rate_per_second=RATE, clock=log.clock),
        )
        background_of(self.dispatcher).here.active = False
        self.bot = _live_bot(settings, api)
        log.watch(self.bot, name)

    async def feed(self, update: dict[str, Any]) -> None:
        await self.dispatcher.feed_update(
            self.bot, Update.model_validate(update, context={"bot": self.bot})
        )

    async def close(self) -> None:
        await self.bot.session.close()
        await self.dispatcher.storage.close()
        await self.dispatcher.fsm.events_isolation.close()
        await self.engine.dispose()


class Worker:
    """A `--role worker` instance: every periodic job, while it holds the worker lock."""

    def __init__(
        self,
        name: str,
        settings: Settings,
        i18n: I18n,
        api: FakeBotAPI,
        log: SendLog,
        *,
        jobs_start: datetime,
    ) -> None:
        self.engine = create_engine(settings.database.url)
        session_maker = create_session_maker(self.engine)
        self.dispatcher = create_dispatcher(
            settings=settings,
            session_maker=session_maker,
            i18n=i18n,
            sender=PacedSender(rate_per_second=RATE, clock=log.clock),
        )
        self.bot = _live_bot(settings, api)
        log.watch(self.bot, name)
        background, deps = background_of(self.dispatcher), deps_of(self.dispatcher)
        self.jobs_clock = SteppedClock(jobs_start)
        background.jobs.clock = self.jobs_clock
        declare_jobs(
            background.jobs,
            bot=self.bot,
            settings=settings,
            session_maker=session_maker,
            sender=background.sender,
            i18n=i18n,
            notice_wakeup=background.notice_wakeup,
            moderation_chat_id=None,
            graffiti_options=deps.graffiti_options,
            phash_index=deps.phash_index,
            storage=self.dispatcher.storage,
            bulk=background.bulk,
            broadcasts=background.broadcasts,
        )
        self.jobs = len(background.jobs.names)
        self.lock_clock = SteppedClock(jobs_start)
        self.lock = WorkerLock(settings.database.url, retry_seconds=5, clock=self.lock_clock)
        self.work = BackgroundWork(runner=background.jobs, here=background.here, lock=self.lock)
        self.task = asyncio.create_task(self.work.run())

    async def rounds_done(self, rounds: int) -> None:
        """Every job loop has finished `rounds` runs (each then sleeps on the stepped clock)."""
        await asyncio.wait_for(self.jobs_clock.until_slept(self.jobs * rounds), 60)

    async def kill(self, engine: AsyncEngine) -> None:
        """The process dies: PostgreSQL ends its lock's connection, its tasks stop."""
        assert self.lock.connection is not None
        pid = await self.lock.connection.scalar(text("SELECT pg_backend_pid()"))
        async with engine.connect() as connection:
            await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)

    async def close(self) -> None:
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)
        await self.lock.dispose()
        await self.bot.session.close()
        await self.dispatcher.storage.close()
        await self.dispatcher.fsm.events_isolation.close()
        await self.engine.dispose()


async def _take_over(worker: Worker, shared: SharedClock) -> None:
    """Step the standby's retries until it holds the lock (PostgreSQL lets go of a killed
    connection's lock a moment after the kill). Each retry's wait passes on the senders' clock
    too: a standby cannot send before its next retry."""
    started = asyncio.ensure_future(worker.work.started.wait())
    try:
        for _ in range(1000):
            calls = worker.lock_clock.calls
            worker.lock_clock.advance(5)
            shared.now += 5
            slept = asyncio.ensure_future(worker.lock_clock.until_slept(calls + 1))
            await asyncio.wait({started, slept}, return_when=asyncio.FIRST_COMPLETED)
            slept.cancel()
            if started.done():
                return
    finally:
        started.cancel()
    raise AssertionError("the standby never took over")


def _max_in_a_second(times: list[float]) -> int:
    """The most sends in any one second (a nanosecond less: the clock's sums of 1/RATE drift
    by that much)."""
    times = sorted(times)
    most, first = 0, 0
    for last, moment in enumerate(times):
        while moment - times[first] >= 1.0 - 1e-9:
            first += 1
        most = max(most, last - first + 1)
    return most


@pytest.fixture
def scaled(settings: Settings) -> Settings:
    # Nothing to empty in Redis: the volunteers here send two messages each (the throttle
    # allows thirty a minute) and no conversation is left open.
    if make_url(settings.database.url).get_backend_name() != "postgresql":
        pytest.skip("scale-out runs on PostgreSQL: set TEST_DATABASE_URL")
    return settings.model_copy(
        update={
            "redis": settings.redis.model_copy(update={"url": REDIS_URL}),
            "probe": settings.probe.model_copy(update={"enabled": False}),
        }
    )


async def _staff(db: AsyncSession, telegram_id: int) -> None:
    volunteer = await volunteers.register(
        db, telegram_id=telegram_id, first_name="Staff", username=None, telegram_language="en"
    )
    await set_role(db, volunteer=volunteer, role=Role.MODERATOR)


def _delivered(api: FakeBotAPI, *, since: int) -> Counter[int]:
    """Messages the Bot API accepted since `since`, per chat."""
    return Counter(
        int(r.params["chat_id"]) for r in api.requests("sendMessage", since=since) if not r.error
    )


def _cards(api: FakeBotAPI, chat_id: int, since: int) -> list[int]:
    return [
        int(found[0])
        for r in api.requests("sendMessage", chat_id=chat_id, since=since)
        if r.params.get("reply_markup") and (found := CARD.findall(r.params.get("text", "")))
    ]


async def test_two_web_instances_and_a_worker_double_nothing(
    monkeypatch: pytest.MonkeyPatch,
    scaled: Settings,
    engine: AsyncEngine,
    db: AsyncSession,
    i18n: I18n,
) -> None:
    clock = FrozenClock(monkeypatch, WEDNESDAY)
    shared = SharedClock()
    log = SendLog(shared)
    people = [tg_id(40_000 + n) for n in range(VOLUNTEERS)]
    aigerim, bolat = tg_id(49_001), tg_id(49_002)
    for moderator in (aigerim, bolat):
        await _staff(db, moderator)
    updates = iter(range(1, 10_000))

    def message(user: int, words: str) -> dict[str, Any]:
        number = next(updates)
        return private_message(
            user, words, language_code="en", message_id=number, update_id=number
        )

    async with FakeBotAPI() as api:
        webs = [Web(f"web{n}", scaled, i18n, api, log) for n in (1, 2)]
        workers: list[Worker] = []
        try:
            # Volunteers write to whichever instance Telegram's webhook reached.
            for n, person in enumerate(people):
                await webs[n % 2].feed(message(person, f"t.me/scale_shop_{n}"))
            # The same update delivered to both instances (a redelivery racing the first).
            twice = message(people[0], "t.me/scale_shop_twice")
            await asyncio.gather(webs[0].feed(twice), webs[1].feed(twice))
            sightings = await db.exec(
                select(func.count())
                .select_from(Sighting)
                .join(Report, col(Report.id) == col(Sighting.report_id))
                .where(col(Report.canonical_key).contains("scale_shop_twice"))
            )
            assert sightings.one() == 1

            # Two moderators on different instances take cards at the same moment.
            taken: list[int] = []
            for _ in range(ROUNDS):
                start = len(api.recorded)
                await asyncio.gather(
                    webs[0].feed(message(aigerim, "/queue")),
                    webs[1].feed(message(bolat, "/queue")),
                )
                [first] = _cards(api, aigerim, start)[-1:]
                [second] = _cards(api, bolat, start)[-1:]
                assert first != second  # never the same card
                taken += [first, second]
                await asyncio.gather(
                    webs[0].feed(message(aigerim, f"/accept {first} sales")),
                    webs[1].feed(message(bolat, f"/accept {second} sales")),
                )
            assert len(set(taken)) == 2 * ROUNDS
            db.expire_all()
            accepted = await db.exec(
                select(Volunteer.telegram_id)
                .join(Sighting, col(Sighting.volunteer_id) == col(Volunteer.id))
                .join(Report, col(Report.id) == col(Sighting.report_id))
                .where(col(Report.status) == ReportStatus.ACCEPTED)
            )
            finders = Counter(accepted.all())
            assert sum(finders.values()) == 2 * ROUNDS
            # The web instances sent no bulk message: only answers to the updates.
            assert not background_of(webs[0].dispatcher).jobs.names

            # The worker starts on Saturday; a second one stands by.
            clock.set(SATURDAY)
            worker_start = len(api.recorded)
            workers.append(Worker("worker1", scaled, i18n, api, log, jobs_start=SATURDAY))
            await asyncio.wait_for(workers[0].work.started.wait(), 60)
            workers.append(Worker("worker2", scaled, i18n, api, log, jobs_start=DIGEST_DAY))
            await asyncio.wait_for(workers[1].lock_clock.until_slept(1), 60)
            assert not workers[1].work.started.is_set()
            await workers[0].rounds_done(1)
            notices = _delivered(api, since=worker_start)
            assert notices == Counter(dict.fromkeys(finders, 1))  # every notice, once

            # Monday: the digest of week 47 starts, and the worker dies in the middle of it.
            phase, api_phase = len(log.sent), len(api.recorded)
            clock.set(DIGEST_DAY)
            log.cut_after = CUT_AFTER
            workers[0].jobs_clock.advance((DIGEST_DAY - SATURDAY).total_seconds())
            await asyncio.wait_for(shared.held.wait(), 60)
            await workers[0].kill(engine)
            assert len(log.since(phase)) == CUT_AFTER
            log.cut_after = None
            shared.resume()

            await _take_over(workers[1], shared)
            await workers[1].rounds_done(1)

            # What Telegram received: each volunteer's weekly message once, none missing.
            assert _delivered(api, since=api_phase) == Counter(dict.fromkeys(people, 1))
            assert {s.instance for s in log.since(phase)} == {"worker1", "worker2"}
            assert all("Your week" in s.text for s in log.since(phase))
            bulk = [s.at for s in log.sent if s.instance.startswith("worker")]
            assert _max_in_a_second(bulk) <= RATE
            assert [s for s in log.since(phase) if s.instance.startswith("web")] == []
        finally:
            for worker in workers:
                await worker.close()
            for web in webs:
                await web.close()
