"""`python -m bot --role all|web|worker` (bot/roles.py): a web process leaves staff jobs to
the worker, one worker works while another stands by (PostgreSQL's advisory lock), and on
SQLite a second process refuses to start.

The worker-lock tests need PostgreSQL (TEST_DATABASE_URL) and skip on SQLite; their waits go
through stepped clocks, never real sleeps."""

import asyncio
import logging
import signal
import socket
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from aiogram import Bot, Dispatcher
from aiogram.methods import EditMessageText, SendMessage
from aiogram.utils.i18n import I18n
from prometheus_client import generate_latest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.__main__ import main
from bot.batch_recovery import stale_batches_job
from bot.config import Settings
from bot.factory import background_of, create_bot, create_dispatcher, deps_of
from bot.jobs.periodic import declare_jobs
from bot.jobs.runner import JobRunner, Periodic
from bot.jobs.schedules import Every
from bot.ops.health import Health
from bot.ops.metrics import Metrics
from bot.ops.server import ops_routes, serving_ops
from bot.roles import BackgroundWork, WorkHere
from bot.single_process import hold_single_process_lock, lock_file_of
from bot.worker_lock import WorkerLock
from models.base import saved_id
from models.bot_facts import BotFact
from models.broadcast import Broadcast
from models.enums import BroadcastState
from models.moderation import Batch
from models.volunteer import Volunteer
from services import batches
from services.pacing import PacedSender
from tests.support.accounts import ADMIN_ID, TEST_TOKEN
from tests.support.bot_process import ROOT, START_TIMEOUT, TOKEN, child_env
from tests.support.client import BotClient, texts
from tests.support.fake_bot_api import FakeBotAPI, private_message
from tests.support.fake_clock import FakeClock, FrozenClock, SteppedClock
from tests.support.recording_session import RecordingSession
from tests.support.report_setup import make_reports
from tests.support.tally_world import active_before_digest, almaty, make_volunteer
from tests.support.telegram_ids import tg_id
from tests.support.triage_helpers import make_moderator

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _dispatcher(
    settings: Settings, session_maker: async_sessionmaker[AsyncSession], i18n: I18n
) -> Dispatcher:
    sender = PacedSender(rate_per_second=1000, clock=FakeClock())
    return create_dispatcher(
        settings=settings, session_maker=session_maker, i18n=i18n, sender=sender
    )


class Worker:
    """A worker process's background, in-process: its own dispatcher, bot and jobs."""

    def __init__(
        self, settings: Settings, session_maker: async_sessionmaker[AsyncSession], i18n: I18n
    ) -> None:
        self.dispatcher = _dispatcher(settings, session_maker, i18n)
        self.session = RecordingSession()
        self.bot = create_bot(settings, self.session)
        background = background_of(self.dispatcher)
        self.runner = background.jobs
        declare_jobs(
            self.runner,
            bot=self.bot,
            settings=settings,
            session_maker=session_maker,
            sender=background.sender,
            i18n=i18n,
            notice_wakeup=background.notice_wakeup,
            moderation_chat_id=None,
            graffiti_options=deps_of(self.dispatcher).graffiti_options,
            phash_index=deps_of(self.dispatcher).phash_index,
            storage=self.dispatcher.storage,
            bulk=background.bulk,
            broadcasts=background.broadcasts,
        )

    async def poll(self) -> list:
        """One run of the staff-jobs poll and whatever it spawned, to the end."""
        before = len(self.session.requests)
        await self.runner.run_once("staff-jobs")
        await self.runner.join()
        return self.session.requests[before:]


@pytest.fixture
def worker(
    settings: Settings, session_maker: async_sessionmaker[AsyncSession], i18n: I18n
) -> Worker:
    return Worker(settings, session_maker, i18n)


@pytest.fixture
def web(
    settings: Settings,
    session_maker: async_sessionmaker[AsyncSession],
    i18n: I18n,
    bot: Bot,
    fake_session: RecordingSession,
) -> BotClient:
    """A `--role web` dispatcher: it does no background work."""
    dispatcher = _dispatcher(settings, session_maker, i18n)
    background_of(dispatcher).here.active = False
    return BotClient(dispatcher, bot, fake_session, user_id=ADMIN_ID, language_code="en")


async def test_a_broadcast_pressed_in_a_web_process_is_sent_by_the_worker(
    web: BotClient,
    db: AsyncSession,
    worker: Worker,
) -> None:
    people = [await make_volunteer(db, 9300 + i) for i in range(5)]
    shown = await web.feed(web.message_update("/broadcast Hello from the web"))
    pressed = await web.press(shown, "Send")
    assert "Sending to 6 volunteers…" in str(pressed)
    assert not [r for r in pressed if isinstance(r, SendMessage)]  # nothing sent by the web

    sent = await worker.poll()

    copies = [int(r.chat_id) for r in sent if isinstance(r, SendMessage)]
    assert sorted(copies) == sorted([ADMIN_ID, *(p.telegram_id for p in people)])
    final = [r for r in sent if isinstance(r, EditMessageText)][-1]
    assert final.text == "Broadcast #1 finished: 6 of 6 sent, 0 unreachable, 0 failed."
    assert (await db.exec(select(Broadcast.state))).one() is BroadcastState.FINISHED
    assert await worker.poll() == []  # nothing left: a second poll sends nothing


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    return FrozenClock(monkeypatch, almaty(11, 1))


async def test_digest_now_in_a_web_process_is_posted_by_the_worker(
    clock: FrozenClock,
    web: BotClient,
    db: AsyncSession,
    worker: Worker,
) -> None:
    people = await active_before_digest(clock, db, 3)
    admin = web.as_user(ADMIN_ID, language_code="en")

    asked = await admin.send("/digest_now")
    asked_again = await admin.send("/digest_now")  # a double tap: still one request
    assert texts(asked) == texts(asked_again) == ["Posting the digest of 2026-W47…"]
    assert len((await db.exec(select(BotFact).where(BotFact.key != "first_start"))).all()) == 1

    posted = await worker.poll()

    personal = [int(r.chat_id) for r in posted if isinstance(r, SendMessage)]
    assert sorted(personal[:-1]) == sorted(p.telegram_id for p in people)
    report = posted[-1]
    assert isinstance(report, SendMessage)
    assert int(report.chat_id) == ADMIN_ID
    assert report.text == "Digest of 2026-W47 posted: 3 delivered, 0 unreachable, 0 failed."
    assert await worker.poll() == []  # the request is done and gone


async def test_healthz_says_off_in_a_web_process_and_standby_before_the_lock(
    engine: AsyncEngine,
) -> None:
    web = Health(engine=engine, jobs=JobRunner(), job_grace_seconds=600)
    assert (await web.check()) == (
        True,
        {"status": "ok", "checks": {"database": "ok", "redis": "off", "jobs": "off"}},
    )
    runner = JobRunner(clock=SteppedClock(START))
    runner.add(Periodic("minutely", _nothing, Every(60)))
    healthy, body = await Health(engine=engine, jobs=runner, job_grace_seconds=1).check()
    assert healthy
    assert body["checks"]["jobs"] == "standby"


async def _nothing(_now: datetime) -> None:
    return None


# SQLite: one process.


@pytest.fixture
def sqlite_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("CVBOT_TELEGRAM__TOKEN", TEST_TOKEN)
    url = f"sqlite+aiosqlite:///{tmp_path}/data/bot.db"
    monkeypatch.setenv("CVBOT_DATABASE__URL", url)
    monkeypatch.chdir(tmp_path)
    return url


def test_a_second_process_on_one_sqlite_file_refuses_to_start(
    sqlite_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = hold_single_process_lock(sqlite_env)
    assert first is not None
    try:
        assert main([]) == 5
    finally:
        first.close()
    [line] = capsys.readouterr().err.splitlines()
    database = tmp_path / "data" / "bot.db"
    assert line == (
        f"database error: another bot process is using the database {database} (it holds"
        f" {database}.lock): SQLite supports one process; stop that one first, or use"
        " PostgreSQL to run several"
    )
    # The lock went with its holder: the next process may start.
    again = hold_single_process_lock(sqlite_env)
    assert again is not None
    again.close()


def test_only_a_sqlite_file_needs_the_lock() -> None:
    assert lock_file_of("sqlite+aiosqlite:///data/bot.db") == Path("data/bot.db.lock")
    assert lock_file_of("sqlite+aiosqlite:///:memory:") is None
    assert lock_file_of("postgresql+asyncpg://postgres@127.0.0.1/x") is None
    assert hold_single_process_lock("sqlite+aiosqlite:///:memory:") is None


@pytest.mark.usefixtures("sqlite_env")
@pytest.mark.parametrize("role", ["web", "worker"])
def test_web_and_worker_roles_need_postgresql(
    role: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--role", role]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line == (
        f"configuration error: --role {role} needs PostgreSQL (database.url): on SQLite one"
        " process does everything, run it without --role"
    )


# PostgreSQL: one active worker, standbys take over.


@pytest.fixture
def postgres_url(database_url: str) -> str:
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("the worker lock is PostgreSQL's: set TEST_DATABASE_URL")
    return database_url


@pytest.fixture
async def locks() -> AsyncIterator[list[WorkerLock]]:
    made: list[WorkerLock] = []
    yield made
    for lock in made:
        await lock.dispose()


def _lock(locks: list[WorkerLock], url: str, clock: SteppedClock) -> WorkerLock:
    lock = WorkerLock(url, retry_seconds=5, clock=clock)
    locks.append(lock)
    return lock


async def _kill_connection(engine: AsyncEngine, lock: WorkerLock) -> None:
    """What the death of the holder's process looks like to PostgreSQL."""
    assert lock.connection is not None
    pid = await lock.connection.scalar(text("SELECT pg_backend_pid()"))
    async with engine.connect() as connection:
        await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})


async def _step_until_done(clock: SteppedClock, task: asyncio.Task[None]) -> None:
    """Move the clock on one retry at a time until `task` ends (PostgreSQL releases a killed
    connection's lock a moment after the kill, so it may take more than one retry)."""
    for _ in range(500):
        calls = clock.calls
        clock.advance(5)
        slept = asyncio.ensure_future(clock.until_slept(calls + 1))
        await asyncio.wait({task, slept}, return_when=asyncio.FIRST_COMPLETED)
        slept.cancel()
        if task.done():
            await task
            return
    raise AssertionError("the task never ended")


async def test_a_standby_worker_takes_over_when_the_first_dies(
    postgres_url: str,
    engine: AsyncEngine,
    locks: list[WorkerLock],
    caplog: pytest.LogCaptureFixture,
) -> None:
    first_clock, second_clock = SteppedClock(START), SteppedClock(START)
    first = _lock(locks, postgres_url, first_clock)
    second = _lock(locks, postgres_url, second_clock)
    await first.acquire()

    caplog.set_level(logging.INFO, logger="bot.worker_lock")
    waiting = asyncio.create_task(second.acquire())
    await second_clock.until_slept(1)
    for calls in (2, 3):  # still taken: it keeps asking, and says so once
        second_clock.advance(5)
        await second_clock.until_slept(calls)
    assert not waiting.done()
    standing = [r.getMessage() for r in caplog.records if "standing by" in r.getMessage()]
    assert standing == [
        "standing by: another worker holds the worker lock; asking again every 5 s"
    ]

    await _kill_connection(engine, first)
    await _step_until_done(second_clock, waiting)
    assert "worker lock taken" in caplog.records[-1].getMessage()


async def test_losing_the_lock_stops_the_work_and_stands_by_again(
    postgres_url: str, engine: AsyncEngine, locks: list[WorkerLock]
) -> None:
    runs: list[datetime] = []

    async def record(now: datetime) -> None:
        runs.append(now)

    jobs_clock, lock_clock, rival_clock = (
        SteppedClock(START),
        SteppedClock(START),
        SteppedClock(START),
    )
    runner = JobRunner(clock=jobs_clock)
    runner.add(Periodic("minutely", record, Every(60)))
    here = WorkHere()
    lock = _lock(locks, postgres_url, lock_clock)
    work = BackgroundWork(runner=runner, here=here, lock=lock)
    metrics = Metrics(jobs=runner, sender=PacedSender(clock=FakeClock()))
    rival = _lock(locks, postgres_url, rival_clock)
    task = asyncio.create_task(work.run())
    try:
        await asyncio.wait_for(work.started.wait(), 30)
        assert here.active
        assert _active(metrics) == 1
        await jobs_clock.until_slept(1)
        assert len(runs) == 1
        await lock_clock.until_slept(1)  # watching the lock's connection

        await _kill_connection(engine, lock)
        # Another worker gets the lock first (once PostgreSQL has let go of it).
        await _step_until_done(rival_clock, asyncio.create_task(rival.acquire()))
        lock_clock.advance(5)  # the next check of the connection finds it gone
        await asyncio.wait_for(work.stopped.wait(), 30)
        assert not here.active
        assert runner.started_at is None  # /healthz: standby, nothing overdue
        assert _active(metrics) == 0
        await lock_clock.until_slept(2)  # standing by: the rival holds the lock
        assert not work.started.is_set()

        await rival.release()
        await asyncio.wait_for(_step_until_started(lock_clock, work), 30)
        assert here.active
        await jobs_clock.until_slept(2)
        assert len(runs) == 2  # the jobs run again, from the start
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert not here.active


def _active(metrics: Metrics) -> float:
    line = "cvbot_background_active "
    scraped = generate_latest(metrics.registry).decode().splitlines()
    return float(next(s for s in scraped if s.startswith(line)).removeprefix(line))


async def _step_until_started(clock: SteppedClock, work: BackgroundWork) -> None:
    started = asyncio.ensure_future(work.started.wait())
    try:
        for _ in range(500):
            calls = clock.calls
            clock.advance(5)
            slept = asyncio.ensure_future(clock.until_slept(calls + 1))
            await asyncio.wait({started, slept}, return_when=asyncio.FIRST_COMPLETED)
            slept.cancel()
            if started.done():
                return
    finally:
        started.cancel()
    raise AssertionError("the work never started again")


async def _start(
    config: Path, database_url: str, role: str = "worker"
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "--config", str(config), "--role", role,
        cwd=ROOT, env=child_env(database_url),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def _log_line(process: asyncio.subprocess.Process, words: str) -> str:
    """The first line of the child's log containing `words` (its start may take a minute)."""
    assert process.stderr is not None
    async with asyncio.timeout(START_TIMEOUT):
        while line := (await process.stderr.readline()).decode():
            if words in line:
                return line
    raise AssertionError(f"the process ended without logging {words!r}")


@pytest.mark.usefixtures("engine")
async def test_two_worker_processes_one_works_the_other_takes_over(
    postgres_url: str, tmp_path: Path
) -> None:
    async with FakeBotAPI() as api:
        config = tmp_path / "cfg.toml"
        config.write_text(
            f'[telegram]\ntoken = "{TOKEN}"\napi_base = "{api.base_url}"\n[ops]\nport = 0\n'
            "[probe]\nenabled = false\n[worker]\nstandby_retry_seconds = 0.5\n",
            encoding="utf-8",
        )
        first = await _start(config, postgres_url)
        second = None
        try:
            await _log_line(first, "worker lock taken")
            second = await _start(config, postgres_url)
            await _log_line(second, "standing by: another worker holds the worker lock")
            first.kill()  # no goodbye: PostgreSQL ends its connection, and the lock with it
            await first.wait()
            await _log_line(second, "worker lock taken")
            second.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(second.wait(), 30) == 0
        finally:
            for process in (first, second):
                if process is not None and process.returncode is None:
                    process.kill()
                    await process.wait()
        # A worker takes no updates.
        assert api.requests("getUpdates") == []
        assert api.requests("setWebhook") == []


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.usefixtures("engine")
async def test_a_web_process_takes_updates_and_leaves_the_background_work(
    postgres_url: str, tmp_path: Path, locks: list[WorkerLock]
) -> None:
    port = _free_port()
    async with FakeBotAPI() as api, aiohttp.ClientSession() as http:
        config = tmp_path / "cfg.toml"
        config.write_text(
            f'[telegram]\ntoken = "{TOKEN}"\napi_base = "{api.base_url}"\n'
            f"[ops]\nport = {port}\n[probe]\nenabled = false\n",
            encoding="utf-8",
        )
        web = await _start(config, postgres_url, "web")
        try:
            api.enqueue_update(private_message(tg_id(5301), "t.me/web_role_shop"))
            await api.wait_for("sendMessage", chat_id=tg_id(5301), timeout=START_TIMEOUT)
            async with http.get(f"http://127.0.0.1:{port}/healthz") as health:
                assert health.status == 200
                body = await health.json()
            # It holds no worker lock: a worker would take it at once.
            await asyncio.wait_for(_lock(locks, postgres_url, SteppedClock(START)).acquire(), 30)
            web.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(web.wait(), 30) == 0
        finally:
            if web.returncode is None:
                web.kill()
                await web.wait()
    assert body["checks"] == {"database": "ok", "redis": "off", "jobs": "off"}


async def test_a_worker_serves_health_on_the_address_a_web_process_shares_with_its_webhook(
    settings: Settings, dispatcher: Dispatcher
) -> None:
    """One config for every role: ops and webhook on one address. The webhook's server has
    /healthz in a web process; a worker serves no webhook, so it serves them itself."""
    port = _free_port()
    shared = settings.model_copy(
        update={
            "webhook": settings.webhook.model_copy(
                update={"url": "https://bot.example.kz/hook", "secret": "s" * 20, "port": port}
            ),
            "ops": settings.ops.model_copy(update={"listen": "127.0.0.1", "port": port}),
        }
    )
    background = background_of(dispatcher)
    routes = ops_routes(
        shared,
        session_maker=background.session_maker,
        jobs=background.jobs,
        metrics=background.metrics,
        storage=dispatcher.storage,
    )
    url = f"http://127.0.0.1:{port}/healthz"
    async with aiohttp.ClientSession() as http:
        async with serving_ops(routes, shared, takes_updates=False), http.get(url) as health:
            assert health.status == 200
        async with serving_ops(routes, shared, takes_updates=True):
            with pytest.raises(aiohttp.ClientConnectionError):
                await http.get(url)  # left to the webhook's server, not started here


async def test_a_worker_voids_only_batches_older_than_a_claim(
    monkeypatch: pytest.MonkeyPatch, client: BotClient, db: AsyncSession
) -> None:
    """Beside web processes a batch without files may be one a web process is delivering: the
    worker leaves it alone for a claim's time (15 minutes), then voids it and tells its
    moderator."""
    clock = FrozenClock(monkeypatch, START)
    await make_reports(client, db, ["t.me/stale_batch_shop"])
    moderator = await make_moderator(client, 2201)
    row = (
        await db.exec(select(Volunteer).where(Volunteer.telegram_id == moderator.user_id))
    ).one()
    opened = await batches.open_batch(db, actor_id=saved_id(row), category=None)
    assert opened is not None
    batch_id = saved_id(opened.batch)
    runner = JobRunner(clock=clock)
    background = background_of(client.dispatcher)
    runner.add(
        stale_batches_job(
            bot=client.bot, session_maker=background.session_maker, i18n=background.i18n
        )
    )
    fake_session = client.session
    told = len(fake_session.requests)

    clock.set(START + timedelta(minutes=14))
    await runner.run_once("stale-batches")
    assert fake_session.requests[told:] == []
    db.expire_all()
    batch = await db.get(Batch, batch_id)
    assert batch is not None
    assert batch.voided_at is None

    clock.set(START + timedelta(minutes=16))
    await runner.run_once("stale-batches")
    [notice] = fake_session.requests[told:]
    assert isinstance(notice, SendMessage)
    assert notice.chat_id == moderator.user_id
    assert f"Batch {batch_id} was interrupted" in notice.text
    db.expire_all()
    batch = await db.get(Batch, batch_id)
    assert batch is not None
    assert batch.voided_at is not None
