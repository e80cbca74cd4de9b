"""The real entry point, `python -m bot`, long-polling a fake Bot API server over HTTP."""

import asyncio
import re
import signal
from pathlib import Path

import pytest

from tests.support.bot_process import START_TIMEOUT, TOKEN, child_env, start_bot
from tests.support.fake_bot_api import FakeBotAPI, private_message
from tests.support.telegram_ids import tg_id

ADMIN = tg_id(777)


@pytest.mark.usefixtures("engine")
async def test_python_m_bot_polls_answers_and_stops_on_sigterm(
    tmp_path: Path, database_url: str
) -> None:
    async with FakeBotAPI() as api:
        config = tmp_path / "cfg.toml"
        config.write_text(
            f'[telegram]\ntoken = "{TOKEN}"\napi_base = "{api.base_url}"\n'
            f"[access]\nadmins = [{ADMIN}]\n",
            encoding="utf-8",
        )
        process = await start_bot(config, child_env(database_url))
        try:
            await api.wait_for("getUpdates", timeout=START_TIMEOUT)
            commands = api.requests("setMyCommands")
            assert {c.params.get("language_code") for c in commands} >= {"ru", "kk", "en"}
            assert any(c.params.get("scope", {}).get("chat_id") == ADMIN for c in commands)

            api.enqueue_update(private_message(tg_id(501), "/start", language_code="ru"))
            [welcome] = await api.wait_for("sendMessage", chat_id=tg_id(501), timeout=10)
            assert "Кибернадзор" in welcome.params["text"]

            spellings = ["https://t.me/Poll_Shop", "@poll_shop", "telegram.me/s/POLL_SHOP/12"]
            for index, spelling in enumerate(spellings):
                api.enqueue_update(
                    private_message(tg_id(600 + index), spelling, language_code="en")
                )
            replies = [
                (await api.wait_for("sendMessage", chat_id=tg_id(600 + i), timeout=10))[0]
                for i in range(len(spellings))
            ]
            numbers = {re.search(r"#(\d+)", r.params["text"]).group(1) for r in replies}  # type: ignore[union-attr]
            assert len(numbers) == 1, [r.params["text"] for r in replies]

            api.enqueue_update(
                private_message(tg_id(600), "https://other-shop.kz", language_code="en")
            )
            [_, other] = await api.wait_for("sendMessage", chat_id=tg_id(600), count=2, timeout=10)
            assert re.search(r"#(\d+)", other.params["text"]).group(1) not in numbers  # type: ignore[union-attr]
        finally:
            process.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
        assert process.returncode == 0, stderr.decode()
        assert b"Traceback" not in stderr


async def test_missing_token_is_one_clear_line_and_exit_2(tmp_path: Path) -> None:
    config = tmp_path / "cfg.toml"
    config.write_text('[telegram]\napi_base = ""\n', encoding="utf-8")
    process = await start_bot(config, child_env("sqlite+aiosqlite:///:memory:"))
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    lines = stderr.decode().strip().splitlines()
    assert process.returncode == 2
    assert len(lines) == 1, lines
    assert "telegram.token" in lines[0], lines


async def test_invalid_setting_names_its_key(tmp_path: Path) -> None:
    config = tmp_path / "cfg.toml"
    config.write_text(f'[telegram]\ntoken = "{TOKEN}"\n[access]\nadmins = ["me"]\n')
    env = child_env("sqlite+aiosqlite:///:memory:")
    env["CVBOT_DATABASE__URL"] = "mysql://nope"
    process = await start_bot(config, env)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 2
    [line] = stderr.decode().strip().splitlines()
    assert "access.admins" in line
    assert "database.url" in line
