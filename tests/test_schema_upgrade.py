"""Telegram ids are 64-bit everywhere; databases made by older versions are brought up to date."""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.engine import create_schema
from models.report import Sighting
from models.volunteer import Volunteer
from tests.client import BotClient
from tests.client import text as reply_text
from tests.telegram_ids import SHORT_ID_LIMIT, tg_id


async def test_a_volunteer_with_an_id_above_2_31_reports_and_is_stored_exactly(
    client: BotClient, db: AsyncSession
) -> None:
    volunteer = client.as_user(3_000_000_000)  # above 2³¹: used as it is
    assert volunteer.user_id > SHORT_ID_LIMIT and client.user_id > SHORT_ID_LIMIT
    assert "#1" in reply_text(await volunteer.send("t.me/big_id_shop"))
    assert "#1" in reply_text(await client.send("t.me/big_id_shop"))
    sightings = (await db.exec(select(Sighting).order_by(Sighting.id))).all()  # type: ignore[arg-type]
    assert [s.chat_id for s in sightings] == [3_000_000_000, client.user_id]
    stored = (await db.exec(select(Volunteer.telegram_id).order_by(Volunteer.id))).all()  # type: ignore[arg-type]
    assert list(stored) == [3_000_000_000, client.user_id]


async def _old_schema(engine: AsyncEngine) -> None:
    """Make the database look like one an older version created: 32-bit ids, missing columns."""
    async with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            await connection.execute(
                text("ALTER TABLE sighting ALTER COLUMN chat_id TYPE INTEGER")
            )
            await connection.execute(
                text("ALTER TABLE graffiti_draft ALTER COLUMN chat_id TYPE INTEGER")
            )
        await connection.execute(text("ALTER TABLE volunteer DROP COLUMN ban_reason"))
        await connection.execute(text("ALTER TABLE volunteer DROP COLUMN public_consent"))
        await connection.execute(
            text("INSERT INTO volunteer (telegram_id, first_name, role, created_at, "
                 "notices_enabled, is_reachable, personal_digest_enabled) "
                 f"VALUES ({tg_id(1)}, 'Old', 'volunteer', CURRENT_TIMESTAMP, "
                 "true, true, true)")
        )  # fmt: skip


async def test_start_up_adds_missing_columns_and_widens_id_columns(
    engine: AsyncEngine, db: AsyncSession
) -> None:
    await _old_schema(engine)
    await create_schema(engine)
    await create_schema(engine)  # a second start finds nothing to do

    old = (await db.exec(select(Volunteer))).one()
    assert (old.first_name, old.ban_reason, old.public_consent) == ("Old", None, False)
    await _insert_report(db)
    db.add(
        Sighting(
            report_id=1, volunteer_id=old.id or 0, chat_id=tg_id(2**40), message_id=2**33,
            text_as_sent="x",
        )
    )  # fmt: skip
    await db.commit()
    [sighting] = (await db.exec(select(Sighting))).all()
    assert (sighting.chat_id, sighting.message_id) == (tg_id(2**40), 2**33)


async def _insert_report(db: AsyncSession) -> None:
    await db.exec(  # type: ignore[call-overload]
        text(
            "INSERT INTO report (id, kind, display, status, created_at, status_changed_at) "
            "VALUES (1, 'website', 'x', 'new', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        )
    )
