"""The real entry point, `python -m bot`, long-polling a fake Bot API server over HTTP.

Starting the process costs seconds (importing aiogram), so one run checks everything a polling
process shows: a /batch that died with an earlier process is voided at start and its moderator
told, the commands, answers, retries of failed replies (tests/test_telegram_faults.py covers
them in-process), a failed download without the token in its log (tests/test_downloads.py), a
new /batch at once, and a clean stop on SIGTERM."""

import asyncio
import re
from pathlib import Path

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import saved_id
from models.enums import ReportStatus
from models.moderation import Batch
from models.volunteer import Volunteer
from services import batches
from tests.support.bot_process import START_TIMEOUT, TOKEN, child_env, running_bot, start_bot
from tests.support.client import BotClient
from tests.support.fake_bot_api import FakeBotAPI, private_message
from tests.support.graffiti_helpers import jpeg, wall_image
from tests.support.report_setup import make_reports, statuses
from tests.support.telegram_ids import tg_id
from tests.support.triage_helpers import make_moderator

ADMIN = tg_id(777)
LOST_ANSWER_TO = tg_id(1913)
# The start of each log record the process writes to stderr (bot/__main__.py's format).
RECORD_START = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} ", re.MULTILINE)
WRONG = "went wrong"
AGAIN = "Please send it again"
BATCH_LINKS = ["t.me/recovery_shop_one", "recovery-shop.kz"]


async def _a_batch_left_unfinished(
    client: BotClient, db: AsyncSession
) -> tuple[BotClient, int, list[int]]:
    """What a process that died while delivering /batch's files leaves behind."""
    ids = await make_reports(client, db, BATCH_LINKS)
    moderator = await make_moderator(client, 2101)
    row = (
        await db.exec(select(Volunteer).where(Volunteer.telegram_id == moderator.user_id))
    ).one()
    opened = await batches.open_batch(db, actor_id=saved_id(row), category=None)
    assert opened is not None
    assert sorted(opened.report_ids) == sorted(ids)
    return moderator, saved_id(opened.batch), ids


async def _the_dead_batch_is_voided_and_its_moderator_told(
    api: FakeBotAPI, moderator: BotClient, batch_id: int
) -> None:
    [notice] = await api.wait_for("sendMessage", chat_id=moderator.user_id, timeout=15)
    assert f"Batch {batch_id} was interrupted" in notice.params["text"]
    assert "void" in notice.params["text"]


async def _commands_welcome_and_one_number_per_target(api: FakeBotAPI) -> None:
    commands = api.requests("setMyCommands")
    assert {c.params.get("language_code") for c in commands} >= {"ru", "kk", "en"}
    assert any(c.params.get("scope", {}).get("chat_id") == ADMIN for c in commands)

    api.enqueue_update(private_message(tg_id(501), "/start", language_code="ru"))
    [welcome] = await api.wait_for("sendMessage", chat_id=tg_id(501), timeout=10)
    assert "Кибернадзор" in welcome.params["text"]

    spellings = ["https://t.me/Poll_Shop", "@poll_shop", "telegram.me/s/POLL_SHOP/12"]
    for index, spelling in enumerate(spellings):
        api.enqueue_update(private_message(tg_id(600 + index), spelling, language_code="en"))
    replies = [
        (await api.wait_for("sendMessage", chat_id=tg_id(600 + i), timeout=10))[0]
        for i in range(len(spellings))
    ]
    numbers = {re.search(r"#(\d+)", r.params["text"]).group(1) for r in replies}  # type: ignore[union-attr]
    assert len(numbers) == 1, [r.params["text"] for r in replies]

    api.enqueue_update(private_message(tg_id(600), "https://other-shop.kz", language_code="en"))
    [_, other] = await api.wait_for("sendMessage", chat_id=tg_id(600), count=2, timeout=10)
    assert re.search(r"#(\d+)", other.params["text"]).group(1) not in numbers  # type: ignore[union-attr]


async def _replies_are_retried_and_saved_work_never_apologised_for(api: FakeBotAPI) -> None:
    api.fail_next("sendMessage", retry_after=1)
    first = tg_id(1911)
    api.enqueue_update(private_message(first, "t.me/proc_429", language_code="en"))
    [_, reply] = await api.wait_for("sendMessage", chat_id=first, count=2, timeout=15)
    assert "new report" in reply.params["text"]

    api.fail_next("sendMessage", error_code=502, description="Bad Gateway")
    second = tg_id(1912)
    api.enqueue_update(private_message(second, "t.me/proc_502", language_code="en"))
    [_, reply] = await api.wait_for("sendMessage", chat_id=second, count=2, timeout=15)
    assert "new report" in reply.params["text"]

    api.lose_answer_next("sendMessage")
    third = LOST_ANSWER_TO
    api.enqueue_update(private_message(third, "t.me/proc_lost", language_code="en"))
    sent = await api.wait_for("sendMessage", chat_id=third, count=2, timeout=15)
    shown = [r.params["text"] for r in sent]
    assert "new report" in shown[0], shown
    assert shown[1].startswith("Saved."), shown
    # A later update is handled normally: nothing more went to the third volunteer.
    api.enqueue_update(private_message(first, "/help", language_code="en"))
    await api.wait_for("sendMessage", chat_id=first, count=3, timeout=15)
    assert len(api.requests("sendMessage", chat_id=third)) == 2


async def _a_failed_download_asks_again(api: FakeBotAPI) -> None:
    api.add_file("wall-1", jpeg(wall_image(3)))
    api.fail_next("download", error_code=502, description="Bad Gateway")
    person = tg_id(1703)
    api.enqueue_update(private_message(person, None, photo="wall-1", language_code="en"))
    [reply] = await api.wait_for("sendMessage", chat_id=person, timeout=10)
    assert AGAIN in reply.params["text"]


async def _batch_works_at_once(api: FakeBotAPI, moderator: BotClient) -> None:
    api.enqueue_update(private_message(moderator.user_id, "/batch", language_code="en"))
    files = await api.wait_for("sendDocument", chat_id=moderator.user_id, count=2, timeout=20)
    assert len(files) == 2


async def test_python_m_bot_recovers_polls_answers_retries_and_stops_on_sigterm(
    client: BotClient, db: AsyncSession, tmp_path: Path, database_url: str
) -> None:
    moderator, batch_id, batch_reports = await _a_batch_left_unfinished(client, db)
    admins = f"[access]\nadmins = [{ADMIN}]\n"
    async with FakeBotAPI() as api, running_bot(api, tmp_path, database_url, admins) as bot:
        await _the_dead_batch_is_voided_and_its_moderator_told(api, moderator, batch_id)
        await _commands_welcome_and_one_number_per_target(api)
        await _replies_are_retried_and_saved_work_never_apologised_for(api)
        await _a_failed_download_asks_again(api)
        await _batch_works_at_once(api, moderator)
        assert not any(WRONG in r.params["text"] for r in api.requests("sendMessage"))
    assert bot.returncode == 0, bot.stderr
    # The one traceback is the lost answer's (the handler's error log); none at start or stop.
    records = RECORD_START.split(bot.stderr)
    with_traceback = [r.splitlines()[0] for r in records if "Traceback" in r]
    assert all(f"from user {LOST_ANSWER_TO} failed" in r for r in with_traceback), bot.stderr
    assert "download of wall-1 failed" in bot.stderr
    assert "502" in bot.stderr
    assert TOKEN not in bot.stderr
    assert TOKEN.split(":")[1] not in bot.stderr

    db.expire_all()
    voided = await db.get(Batch, batch_id)
    assert voided is not None
    assert voided.voided_at is not None
    assert voided.csv_file_id is None
    assert await statuses(db, batch_reports) == [ReportStatus.SENT, ReportStatus.SENT]


async def test_configuration_errors_are_one_line_naming_each_key_and_exit_2(
    tmp_path: Path,
) -> None:
    # No token at all, a wrong value in the file and one in the environment: every key in the
    # one line (the start-up is paid once for all three).
    config = tmp_path / "cfg.toml"
    config.write_text('[telegram]\napi_base = ""\n[access]\nadmins = ["me"]\n', encoding="utf-8")
    env = child_env("sqlite+aiosqlite:///:memory:")
    env["CVBOT_DATABASE__URL"] = "mysql://nope"
    process = await start_bot(config, env)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=START_TIMEOUT)
    lines = stderr.decode().strip().splitlines()
    assert process.returncode == 2
    assert len(lines) == 1, lines
    [line] = lines
    assert "telegram.token" in line
    assert "access.admins" in line
    assert "database.url" in line
