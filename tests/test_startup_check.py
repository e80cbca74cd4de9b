"""`python -m bot` where the Bot API cannot be reached, or refuses the token: one line, an exit
code that says which (3 and 4), no traceback, and the database untouched (so these run on a
SQLite file of their own, whichever database the suite runs on)."""

import asyncio
import socket
from pathlib import Path

from tests.support.bot_process import START_TIMEOUT, TOKEN, child_env, start_bot
from tests.support.fake_bot_api import FakeBotAPI


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _run_to_the_end(tmp_path: Path, api_base: str) -> tuple[int, list[str]]:
    config = tmp_path / "cfg.toml"
    config.write_text(f'[telegram]\ntoken = "{TOKEN}"\napi_base = "{api_base}"\n')
    database = tmp_path / "bot.db"
    process = await start_bot(config, child_env(f"sqlite+aiosqlite:///{database}"))
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=START_TIMEOUT)
    assert not database.exists(), "the database was opened before the Bot API answered"
    return process.returncode or 0, stderr.decode().strip().splitlines()


async def test_unreachable_bot_api_is_one_line_and_exit_3(tmp_path: Path) -> None:
    base = f"http://127.0.0.1:{_closed_port()}"
    code, lines = await _run_to_the_end(tmp_path, base)
    assert code == 3, lines
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"cannot reach the Bot API at {base}"), lines
    assert TOKEN.split(":")[1] not in lines[0]


async def test_refused_token_is_one_line_and_exit_4(tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        api.fail_next("getMe", error_code=401, description="Unauthorized")
        code, lines = await _run_to_the_end(tmp_path, api.base_url)
    assert code == 4, lines
    assert len(lines) == 1, lines
    assert "refused the token (telegram.token): Unauthorized" in lines[0]
    assert TOKEN.split(":")[1] not in lines[0]
