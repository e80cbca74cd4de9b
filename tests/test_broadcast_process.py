"""/broadcast through the real process (`python -m bot`) and the fake Bot API over HTTP: the
command redelivered, Send pressed twice, the bot stopped half-way and started again — every
volunteer gets exactly one copy and the administrator reads the exact count."""

import asyncio
import signal
from pathlib import Path

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from services import volunteers
from tests.support.bot_process import START_TIMEOUT, TOKEN, child_env, start_bot
from tests.support.fake_bot_api import FakeBotAPI, callback_query, private_message
from tests.support.telegram_ids import tg_id

ADMIN = tg_id(778)
PEOPLE = [tg_id(9100 + i) for i in range(12)]
TEXT = "Субботник в субботу!"


async def _stop(process: asyncio.subprocess.Process) -> bytes:
    process.send_signal(signal.SIGTERM)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, stderr.decode()
    return stderr


async def test_broadcast_survives_redelivery_double_press_and_restart(
    tmp_path: Path, database_url: str, session_maker: async_sessionmaker[AsyncSession]
) -> None:
    async with session_maker() as session:
        for telegram_id in PEOPLE:
            await volunteers.register(
                session, telegram_id=telegram_id, first_name="V", username=None,
                telegram_language="ru",
            )  # fmt: skip
    async with FakeBotAPI() as api:
        config = tmp_path / "cfg.toml"
        config.write_text(
            f'[telegram]\ntoken = "{TOKEN}"\napi_base = "{api.base_url}"\n'
            f"[access]\nadmins = [{ADMIN}]\n[sender]\nrate_per_second = 2\n",
            encoding="utf-8",
        )
        env = child_env(database_url)
        process = await start_bot(config, env)
        try:
            await api.wait_for("getUpdates", timeout=START_TIMEOUT)
            command = private_message(ADMIN, f"/broadcast {TEXT}", language_code="en")
            sent = api.enqueue_update(command)
            [header, preview] = await api.wait_for(
                "sendMessage", chat_id=ADMIN, count=2, timeout=15
            )
            assert "13 volunteers will get it" in header.params["text"]
            assert preview.params["text"] == TEXT
            send = preview.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
            # The same command message again (a retried update): no second preview.
            api.enqueue_update({"message": sent["message"]})
            preview_id = preview.result["message_id"]
            api.enqueue_update(callback_query(ADMIN, preview_id, send, language_code="en"))
            api.enqueue_update(callback_query(ADMIN, preview_id, send, language_code="en"))
            await api.wait_for("answerCallbackQuery", count=2, timeout=15)
            # Stopped while copies are still going out (13 at 2 a second take six seconds).
            await api.wait_for("sendMessage", count=2 + 4, timeout=30)
        finally:
            await _stop(process)
        copies_before = [r for r in api.requests("sendMessage") if r.params["text"] == TEXT]
        assert len(copies_before) < 1 + 13  # the stop really came half-way

        process = await start_bot(config, env)
        try:
            # The restarted process resumes the broadcast as soon as it has started.
            edits = await api.wait_for("editMessageText", chat_id=ADMIN, timeout=START_TIMEOUT)
            while "finished" not in edits[-1].params["text"]:
                edits = await api.wait_for(
                    "editMessageText", chat_id=ADMIN, count=len(edits) + 1, timeout=60
                )
        finally:
            await _stop(process)

    assert edits[-1].params["text"] == (
        "Broadcast #1 finished: 13 of 13 sent, 0 unreachable, 0 failed."
    )
    copies = [r.params["chat_id"] for r in api.requests("sendMessage") if r.params["text"] == TEXT]
    copies.remove(ADMIN)  # the preview
    assert sorted(copies) == sorted([ADMIN, *PEOPLE])  # everyone once, the author too
    previews = [
        r for r in api.requests("sendMessage", chat_id=ADMIN) if "reply_markup" in r.params
    ]
    assert len(previews) == 1
    alerts = [r for r in api.requests("answerCallbackQuery") if r.params.get("show_alert")]
    assert len(alerts) == 1  # the second press
