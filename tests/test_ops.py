"""GET /healthz and /metrics (bot/ops): what they answer when all is well, and when the
database, Redis or a periodic job is not; served by `python -m bot` in polling mode too."""

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
from aiogram import Bot, Dispatcher
from aiogram.types import Message, Update
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.factory import background_of
from bot.jobs.runner import JobRunner, Periodic
from bot.jobs.schedules import Every
from bot.ops.health import Health
from bot.ops.metrics import CountingChecker, Metrics, UpdateMetrics
from bot.ops.server import OpsRoutes, ops_routes
from models.enums import TargetKind, Vantage, Verdict
from services.pacing import Delivery, PacedSender, RetryAfter
from services.probe.results import CheckResult, ProbeTarget
from tests.support.bot_process import running_bot
from tests.support.client import BotClient
from tests.support.fake_bot_api import FakeBotAPI, private_message
from tests.support.fake_clock import FakeClock, SteppedClock
from tests.support.recording_session import RecordingSession
from tests.support.telegram_ids import tg_id

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
async def ops(dispatcher: Dispatcher, settings: Settings) -> AsyncIterator[TestClient]:
    background = background_of(dispatcher)
    routes = ops_routes(
        settings,
        session_maker=background.session_maker,
        jobs=background.jobs,
        metrics=background.metrics,
        storage=dispatcher.storage,
    )
    async with _serving(routes) as http:
        yield http


def _serving(routes: OpsRoutes) -> TestClient:
    app = web.Application()
    routes.register(app)
    return TestClient(TestServer(app))


def _sample(text: str, line_start: str) -> float:
    [line] = [line for line in text.splitlines() if line.startswith(line_start + " ")]
    return float(line.rsplit(" ", 1)[1])


async def test_metrics_count_updates_and_read_reports_by_kind(
    client: BotClient,
    ops: TestClient,
) -> None:
    volunteer = client.as_user(5101, language_code="en")
    await volunteer.send("t.me/metrics_shop")
    await volunteer.send("metrics-shop.kz")
    response = await ops.get("/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    text = await response.text()
    assert _sample(text, 'cvbot_updates_total{outcome="handled",type="message"}') == 2
    assert _sample(text, 'cvbot_reports{kind="telegram"}') == 1
    assert _sample(text, 'cvbot_reports{kind="website"}') == 1
    assert _sample(text, 'cvbot_reports{kind="graffiti"}') == 0
    assert _sample(text, "cvbot_notices_pending") == 0
    assert _sample(text, "cvbot_notices_oldest_age_seconds") == 0
    # No user id or URL in any label.
    assert "5101" not in text
    assert "metrics_shop" not in text


async def test_healthz_is_ok_with_the_database_and_no_redis(
    ops: TestClient,
) -> None:
    response = await ops.get("/healthz")
    assert response.status == 200
    assert await response.json() == {
        "status": "ok",
        # This dispatcher's runner has no job declared, as in a `--role web` process.
        "checks": {"database": "ok", "redis": "off", "jobs": "off"},
    }


async def test_healthz_names_an_unreachable_database_and_redis() -> None:
    # Nothing listens on port 1.
    engine = create_async_engine("postgresql+asyncpg://bot:hunter2@127.0.0.1:1/bot")
    redis = Redis.from_url("redis://127.0.0.1:1/0")
    health = Health(engine=engine, jobs=JobRunner(), job_grace_seconds=600, redis=redis)
    try:
        healthy, body = await health.check()
    finally:
        await redis.aclose()
        await engine.dispose()
    assert not healthy
    assert body["status"] == "unhealthy"
    assert body["checks"]["database"].startswith("failed: ")
    # Why, but never the URL (its password).
    assert "hunter2" not in json.dumps(body)
    assert body["checks"]["redis"].startswith("failed: ")
    assert body["checks"]["jobs"] == "off"


async def test_healthz_turns_503_when_a_job_is_overdue(
    session_maker: async_sessionmaker[AsyncSession],
) -> None:
    clock = SteppedClock(START)
    runner = JobRunner(clock=clock)
    ran = asyncio.Event()
    fail = False

    async def minutely(_now: datetime) -> None:
        ran.set()
        if fail:
            raise RuntimeError("the job fails from now on")

    runner.add(Periodic(name="minutely", run=minutely, schedule=Every(60)))
    routes = OpsRoutes(
        health=Health(engine=session_maker.kw["bind"], jobs=runner, job_grace_seconds=300),
        metrics=Metrics(jobs=runner, sender=PacedSender()),
        session_maker=session_maker,
    )
    runner.start()
    try:
        async with _serving(routes) as http:
            await clock.until_slept(1)
            assert (await http.get("/healthz")).status == 200
            # Failing from now on: the last success stays where it was.
            fail = True
            for sleeps in range(2, 9):
                clock.advance(60)
                await clock.until_slept(sleeps)
            # 7 minutes after the last success: within 2 × 60 s + 300 s.
            assert (await http.get("/healthz")).status == 200
            clock.advance(60)
            await clock.until_slept(9)
            response = await http.get("/healthz")
            assert response.status == 503
            body = await response.json()
            assert body["checks"]["jobs"] == "overdue: minutely"
            assert body["checks"]["database"] == "ok"
            metrics = await (await http.get("/metrics")).text()
        assert _sample(metrics, 'cvbot_job_runs_total{job="minutely"}') == 9
        assert _sample(metrics, 'cvbot_job_failures_total{job="minutely"}') == 8
    finally:
        await runner.stop()


async def test_metrics_count_failed_updates_sends_429s_and_verdicts(
    session_maker: async_sessionmaker[AsyncSession], bot: Bot, fake_session: RecordingSession
) -> None:
    sender = PacedSender(clock=FakeClock())
    metrics = Metrics(jobs=JobRunner(), sender=sender)

    # A failing handler, as the dispatcher's outer middleware sees it.
    dispatcher = Dispatcher()
    dispatcher.update.outer_middleware(UpdateMetrics(metrics))

    @dispatcher.message()
    async def broken(_message: Message) -> None:
        raise RuntimeError("boom")

    raw = BotClient(dispatcher, bot, fake_session).as_user(5102).message_update("hi")
    with pytest.raises(RuntimeError):
        await dispatcher.feed_update(bot, Update.model_validate(raw, context={"bot": bot}))

    # One 429, then sent.
    answers: list[Exception | None] = [RetryAfter(1), None]

    async def send() -> None:
        if (answer := answers.pop(0)) is not None:
            raise answer

    await sender.deliver([Delivery(chat_id=5103, send=send)])

    class Offline:
        async def check(self, target: ProbeTarget) -> CheckResult:  # noqa: ARG002
            return CheckResult(vantage=Vantage.HOST, verdict=Verdict.BLOCKED_TLS)

    checker = CountingChecker(Offline(), metrics)
    await checker.check(ProbeTarget(report_id=1, kind=TargetKind.WEBSITE, key="a.kz", url="x"))

    text = (await metrics.render(session_maker)).decode()
    assert _sample(text, 'cvbot_updates_total{outcome="failed",type="message"}') == 1
    assert _sample(text, "cvbot_sender_rate_limited_total") == 1
    assert _sample(text, 'cvbot_sender_sends_total{outcome="sent"}') == 1
    assert _sample(text, 'cvbot_sender_sends_total{outcome="failed"}') == 0
    assert _sample(text, 'cvbot_probe_checks_total{verdict="blocked_tls"}') == 1


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.usefixtures("engine")
async def test_polling_process_serves_health_and_metrics(
    tmp_path: Path, database_url: str
) -> None:
    port = _free_port()
    async with (
        FakeBotAPI() as api,
        running_bot(api, tmp_path, database_url, f"[ops]\nport = {port}\n") as bot,
        aiohttp.ClientSession() as http,
    ):
        # An update handled: counted, and the jobs' first runs (started before polling) over,
        # so the stop does not cut them.
        api.enqueue_update(private_message(tg_id(5104), "t.me/polling_metrics_shop"))
        await api.wait_for("sendMessage", chat_id=tg_id(5104), timeout=30)
        async with http.get(f"http://127.0.0.1:{port}/healthz") as health:
            assert health.status == 200
            body = json.loads(await health.text())
        async with http.get(f"http://127.0.0.1:{port}/metrics") as metrics:
            assert metrics.status == 200
            text = await metrics.text()
    assert body["checks"] == {"database": "ok", "redis": "off", "jobs": "ok"}
    assert _sample(text, 'cvbot_updates_total{outcome="handled",type="message"}') == 1
    assert _sample(text, 'cvbot_job_runs_total{job="notice-drainer"}') >= 1
    assert bot.returncode == 0, bot.stderr
    assert "Traceback" not in bot.stderr, bot.stderr
