from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.engine import create_engine, create_schema
from models.volunteer import Volunteer
from services.clock import ALMATY, to_almaty
from services.volunteers import register
from tests.support.telegram_ids import tg_id


async def test_sqlite_runs_with_wal_normal_sync_foreign_keys_and_busy_timeout(
    tmp_path: Path,
) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/nested/dir/bot.db")
    try:
        await create_schema(engine)
        async with engine.connect() as connection:
            pragmas = {
                name: (await connection.execute(text(f"PRAGMA {name}"))).scalar()
                for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
            }
    finally:
        await engine.dispose()
    assert pragmas == {
        "journal_mode": "wal",
        "synchronous": 1,
        "foreign_keys": 1,
        "busy_timeout": 5000,
    }


async def test_timestamps_come_back_timezone_aware_utc(db: AsyncSession) -> None:
    await register(db, telegram_id=tg_id(1), first_name="A", username=None, telegram_language="ru")
    db.expunge_all()
    volunteer = (await db.exec(select(Volunteer))).one()
    assert volunteer.created_at.tzinfo is not None
    assert volunteer.created_at.utcoffset() == UTC.utcoffset(None)


def test_almaty_is_utc_plus_five_since_march_2024() -> None:
    assert to_almaty(datetime(2024, 3, 5, 12, tzinfo=UTC)).utcoffset().total_seconds() == 5 * 3600  # type: ignore[union-attr]
    assert datetime(2023, 6, 1, tzinfo=ALMATY).utcoffset().total_seconds() == 6 * 3600  # type: ignore[union-attr]


async def test_naive_datetimes_are_refused(db: AsyncSession) -> None:
    db.add(Volunteer(telegram_id=tg_id(2), first_name="B", created_at=datetime(2025, 1, 1)))
    with pytest.raises(Exception, match="naive"):
        await db.commit()
