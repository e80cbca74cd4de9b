"""Telegram ids are 64-bit everywhere (older databases: tests/test_migrations.py)."""

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.report import Sighting
from models.volunteer import Volunteer
from tests.support.client import BotClient
from tests.support.client import text as reply_text
from tests.support.telegram_ids import SHORT_ID_LIMIT


async def test_a_volunteer_with_an_id_above_2_31_reports_and_is_stored_exactly(
    client: BotClient, db: AsyncSession
) -> None:
    volunteer = client.as_user(3_000_000_000)  # above 2³¹: used as it is
    assert volunteer.user_id > SHORT_ID_LIMIT
    assert client.user_id > SHORT_ID_LIMIT
    assert "#1" in reply_text(await volunteer.send("t.me/big_id_shop"))
    assert "#1" in reply_text(await client.send("t.me/big_id_shop"))
    sightings = (await db.exec(select(Sighting).order_by(Sighting.id))).all()  # type: ignore[arg-type]
    assert [s.chat_id for s in sightings] == [3_000_000_000, client.user_id]
    stored = (await db.exec(select(Volunteer.telegram_id).order_by(Volunteer.id))).all()  # type: ignore[arg-type]
    assert list(stored) == [3_000_000_000, client.user_id]
