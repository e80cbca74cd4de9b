"""The real entry point, `python -m bot`, as a child process talking to a fake Bot API server."""

import asyncio
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.fake_bot_api import FakeBotAPI
from tests.test_polling import TOKEN, _child_env, _start_bot


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
    running = BotProcess(await _start_bot(path, _child_env(database_url)))
    try:
        await api.wait_for("getUpdates", timeout=30)
        yield running
    finally:
        if running.process.returncode is None:
            running.process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(running.process.communicate(), timeout=20)
        running.stderr, running.returncode = stderr.decode(), running.process.returncode
