"""Webhook mode loses nothing on a stop (bot/webhook.py): every update is either answered 200
and handled once, or answered non-200 and, delivered again, handled once by the next process.

One run of the real process under 400 concurrent updates and a SIGTERM in the middle; the
drain's time limit in-process, with a handler held on an event."""

import asyncio
import signal
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.types import Message
from aiohttp import web
from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.webhook import SECRET_HEADER, UpdateIntake
from models.report import Report, Sighting
from tests.support.bot_process import START_TIMEOUT, TOKEN, child_env, start_bot
from tests.support.fake_bot_api import FakeBotAPI, private_message
from tests.support.telegram_ids import tg_id

SECRET = "drain-secret_0123456789"
HEADERS = {SECRET_HEADER: SECRET}
UPDATES = 400
# The stop comes when this many updates have been answered 200: the rest are in flight or
# not yet sent.
STOP_AFTER = 100
# Telegram's default max_connections: at most this many requests at once.
CONNECTIONS = 40


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _link_update(number: int) -> dict[str, Any]:
    return private_message(
        tg_id(30_000 + number),
        f"t.me/drain_shop_{number}",
        language_code="en",
        message_id=number,
        update_id=number,
    )


async def _post(http: aiohttp.ClientSession, url: str, update: dict[str, Any]) -> int | None:
    """The HTTP status, or None when no answer came (Telegram then delivers it again too)."""
    try:
        async with http.post(url, json=update, headers=HEADERS) as response:
            await response.read()
            return response.status
    except aiohttp.ClientError:
        return None


@pytest.mark.usefixtures("engine")
async def test_sigterm_mid_way_loses_and_doubles_nothing(
    tmp_path: Path, database_url: str, engine: AsyncEngine
) -> None:
    port = _free_port()
    hook = f"http://127.0.0.1:{port}/tg/hook"
    async with FakeBotAPI() as api:
        config = tmp_path / "cfg.toml"
        config.write_text(
            f'[telegram]\ntoken = "{TOKEN}"\napi_base = "{api.base_url}"\n'
            f'[webhook]\nurl = "https://bot.example.kz/tg/hook"\nport = {port}\n'
            # Generous: on a loaded machine the updates in flight must all finish in it.
            f'secret = "{SECRET}"\ndrain_seconds = 120\n[probe]\nenabled = false\n',
            encoding="utf-8",
        )
        env = child_env(database_url)
        first = await start_bot(config, env)
        await api.wait_for("setWebhook", timeout=START_TIMEOUT)
        answered = 0

        async def post_counting(http: aiohttp.ClientSession, number: int) -> int | None:
            nonlocal answered
            status = await _post(http, hook, _link_update(number))
            if status == 200:
                answered += 1
                if answered == STOP_AFTER:
                    first.send_signal(signal.SIGTERM)
            return status

        connector = aiohttp.TCPConnector(limit=CONNECTIONS)
        async with aiohttp.ClientSession(connector=connector) as http:
            statuses = await asyncio.gather(
                *(post_counting(http, n) for n in range(1, UPDATES + 1))
            )
        _, stderr = await asyncio.wait_for(first.communicate(), timeout=180)
        assert first.returncode == 0, stderr.decode()
        assert b"Traceback" not in stderr
        numbered = list(zip(range(1, UPDATES + 1), statuses, strict=True))
        taken = [number for number, status in numbered if status == 200]
        refused = [number for number, status in numbered if status != 200]
        assert {status for status in statuses} <= {200, 503, None}
        # The stop fell in the middle.
        assert len(taken) >= STOP_AFTER
        assert refused
        await _each_handled_once(engine, api, taken)

        # Telegram delivers the refused updates again, to the next process.
        second = await start_bot(config, env)
        try:
            await api.wait_for("setWebhook", count=2, timeout=START_TIMEOUT)
            connector = aiohttp.TCPConnector(limit=CONNECTIONS)
            async with aiohttp.ClientSession(connector=connector) as http:
                again = await asyncio.gather(
                    *(_post(http, hook, _link_update(n)) for n in refused)
                )
            assert set(again) == {200}
        finally:
            second.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(second.communicate(), timeout=180)
        assert second.returncode == 0, stderr.decode()
        await _each_handled_once(engine, api, range(1, UPDATES + 1))


async def _each_handled_once(engine: AsyncEngine, api: FakeBotAPI, numbers: Any) -> None:
    """One report, one sighting and one reply for each of `numbers`; nothing for the others."""
    numbers = list(numbers)
    async with AsyncSession(engine) as session:
        reports = (await session.exec(select(func.count()).select_from(Report))).one()
        sightings = (await session.exec(select(func.count()).select_from(Sighting))).one()
    assert (reports, sightings) == (len(numbers), len(numbers))
    for number in numbers:
        replies = api.requests("sendMessage", chat_id=tg_id(30_000 + number))
        assert len(replies) == 1, (number, [r.params["text"] for r in replies])
        assert "new report" in replies[0].params["text"]
    assert len(api.requests("sendMessage")) == len(numbers)


# --- the drain's time limit, in-process ---------------------------------------------------


class Held:
    """A dispatcher whose handler of "hold" waits until released."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        self.finished: list[str] = []
        self.cancelled = False
        self.dispatcher = Dispatcher()
        self.dispatcher.message.register(self._hold, F.text == "hold")

    async def _hold(self, message: Message) -> None:
        self.started.set()
        try:
            await self.release.wait()
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        self.finished.append(message.text or "")


@asynccontextmanager
async def serving(intake: UpdateIntake) -> AsyncIterator[str]:
    app = web.Application()
    intake.register(app, "/hook")
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}/hook"
    finally:
        await runner.cleanup()


def _text_update(number: int, text: str) -> dict[str, Any]:
    return private_message(tg_id(40_000 + number), text, message_id=number, update_id=number)


async def test_an_update_still_running_at_the_limit_is_answered_503() -> None:
    held = Held()
    bot = Bot(TOKEN)
    intake = UpdateIntake(held.dispatcher, bot, secret=SECRET, drain_seconds=0.2)
    async with serving(intake) as url, aiohttp.ClientSession() as http:
        running = asyncio.create_task(_post(http, url, _text_update(1, "hold")))
        await held.started.wait()
        intake.stop_taking()
        assert await _post(http, url, _text_update(2, "hold")) == 503
        await intake.drain()
        assert await running == 503
    assert held.cancelled
    assert held.finished == []
    await bot.session.close()


async def test_updates_that_finish_within_the_limit_are_answered_200() -> None:
    held = Held()
    bot = Bot(TOKEN)
    intake = UpdateIntake(held.dispatcher, bot, secret=SECRET, drain_seconds=600)
    async with serving(intake) as url, aiohttp.ClientSession() as http:
        running = asyncio.create_task(_post(http, url, _text_update(1, "hold")))
        await held.started.wait()
        intake.stop_taking()
        draining = asyncio.create_task(intake.drain())
        held.release.set()
        assert await running == 200
        await draining
        assert await _post(http, url, _text_update(3, "hold")) == 503
    assert held.finished == ["hold"]
    assert not held.cancelled
    await bot.session.close()
