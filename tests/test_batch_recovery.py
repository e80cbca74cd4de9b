"""A crash during /batch: at the next start the dead batch's claims are released and its
moderator hears that its files are void — through the real process and a fake Bot API."""

from pathlib import Path

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import saved_id
from models.enums import ReportStatus
from models.moderation import Batch
from models.volunteer import Volunteer
from services import batches
from tests.support.bot_process import running_bot
from tests.support.client import BotClient
from tests.support.fake_bot_api import FakeBotAPI, private_message
from tests.support.report_setup import make_reports, statuses
from tests.support.triage_helpers import make_moderator

LINKS = ["t.me/recovery_shop_one", "recovery-shop.kz"]


async def test_an_unfinished_batch_is_voided_at_start_and_batch_works_at_once(
    client: BotClient, db: AsyncSession, tmp_path: Path, database_url: str
) -> None:
    ids = await make_reports(client, db, LINKS)
    moderator = await make_moderator(client, 2101)
    row = (
        await db.exec(select(Volunteer).where(Volunteer.telegram_id == moderator.user_id))
    ).one()
    # What a process that died while delivering the files leaves behind.
    opened = await batches.open_batch(db, actor_id=saved_id(row), category=None)
    assert opened is not None
    assert sorted(opened.report_ids) == sorted(ids)
    batch_id = opened.batch.id

    async with FakeBotAPI() as api:
        async with running_bot(api, tmp_path, database_url) as bot:
            [notice] = await api.wait_for("sendMessage", chat_id=moderator.user_id, timeout=15)
            text = notice.params["text"]
            assert f"Batch {batch_id} was interrupted" in text
            assert "void" in text
            api.enqueue_update(private_message(moderator.user_id, "/batch", language_code="en"))
            files = await api.wait_for("sendDocument", chat_id=moderator.user_id, count=2,
                                       timeout=20)  # fmt: skip
            assert len(files) == 2
        assert bot.returncode == 0, bot.stderr

    db.expire_all()
    voided = await db.get(Batch, batch_id)
    assert voided is not None
    assert voided.voided_at is not None
    assert voided.csv_file_id is None
    assert await statuses(db, ids) == [ReportStatus.SENT, ReportStatus.SENT]
