"""Webhook mode: `python -m bot` registers its webhook, serves updates that carry the secret,
refuses those that do not, and stops cleanly on SIGTERM."""

import asyncio
import signal
import socket
from pathlib import Path

import aiohttp
import pytest

from tests.support.bot_process import TOKEN, child_env, start_bot
from tests.support.fake_bot_api import FakeBotAPI, private_message
from tests.support.telegram_ids import tg_id

SECRET = "s3cret_for-the-webhook"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.usefixtures("engine")
async def test_webhook_serves_signed_updates_only(tmp_path: Path, database_url: str) -> None:
    port = _free_port()
    async with FakeBotAPI() as api:
        config = tmp_path / "cfg.toml"
        config.write_text(
            f'[telegram]\ntoken = "{TOKEN}"\napi_base = "{api.base_url}"\n'
            f'[webhook]\nurl = "https://bot.example.kz/tg/hook"\nport = {port}\n'
            f'secret = "{SECRET}"\n',
            encoding="utf-8",
        )
        process = await start_bot(config, child_env(database_url))
        try:
            [registered] = await api.wait_for("setWebhook", timeout=30)
            assert registered.params["url"] == "https://bot.example.kz/tg/hook"
            assert registered.params["secret_token"] == SECRET
            assert api.requests("getUpdates") == []  # no polling in webhook mode

            hook = f"http://127.0.0.1:{port}/tg/hook"
            async with aiohttp.ClientSession() as http:
                async with http.get(f"http://127.0.0.1:{port}/healthz") as health:
                    assert health.status == 200
                forged = private_message(tg_id(701), "t.me/forged_shop", message_id=1, update_id=1)
                async with http.post(hook, json=forged) as refused:
                    assert refused.status == 401
                signed = private_message(
                    tg_id(702), "t.me/webhook_shop", language_code="en", message_id=2, update_id=2
                )
                headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
                async with http.post(hook, json=signed, headers=headers) as accepted:
                    assert accepted.status == 200
            [reply] = await api.wait_for("sendMessage", chat_id=tg_id(702), timeout=10)
            assert "#1 — new report" in reply.params["text"]
            assert api.requests("sendMessage", chat_id=tg_id(701)) == []
        finally:
            process.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
        assert process.returncode == 0, stderr.decode()
        assert b"Traceback" not in stderr
