"""The real entry point, `python -m bot`, as a child process talking to a fake Bot API server."""

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.fake_bot_api import FakeBotAPI

ROOT = Path(__file__).resolve().parents[2]
# Not the in-process suite's token: a child process has its own bot.
TOKEN = "123456789:" + "B" * 35
# How long a child may take to poll for the first time. Importing the bot takes seconds on an
# idle machine and about a minute on a loaded two-core one (measured: 54 s); the waits end at
# the first request, so the margin costs an idle machine nothing.
START_TIMEOUT = 180.0


async def start_bot(config: Path, env: dict[str, str]) -> asyncio.subprocess.Process:
    """`python -m bot --config …` from the checkout's root, its output piped."""
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "--config", str(config),
        cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


def child_env(database_url: str) -> dict[str, str]:
    """This environment without CVBOT_* settings of the caller, plus the test database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CVBOT_")}
    env["CVBOT_DATABASE__URL"] = database_url
    return env


@dataclass
class BotProcess:
    process: asyncio.subprocess.Process
    # Filled in when the process has ended.
    stderr: str = ""
    returncode: int | None = None


@asynccontextmanager
async def running_bot(
    api: FakeBotAPI, tmp_path: Path, database_url: str, config: str = ""
) -> AsyncIterator[BotProcess]:
    """A bot polling `api`, stopped with SIGTERM on exit; `config` is more TOML to append."""
    path = tmp_path / "cfg.toml"
    path.write_text(
        f'[telegram]\ntoken = "{TOKEN}"\napi_base = "{api.base_url}"\n{config}', encoding="utf-8"
    )
    running = BotProcess(await start_bot(path, child_env(database_url)))
    try:
        await api.wait_for("getUpdates", timeout=START_TIMEOUT)
        yield running
    finally:
        if running.process.returncode is None:
            running.process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(running.process.communicate(), timeout=20)
        running.stderr, running.returncode = stderr.decode(), running.process.returncode
