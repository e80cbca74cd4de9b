"""Realistic Telegram ids for tests.

Accounts made since about 2021 have ids above 2³¹; a suite that uses small ids hides every
32-bit column. Tests write `tg_id(7)` for "user 7"; BotClient maps small ids this way by itself.
"""

from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

# Above 2³² too, so that a mapped id can never be mistaken for a small one and mapped twice.
TELEGRAM_ID_OFFSET = 5_000_000_000
SHORT_ID_LIMIT = 2**31


def tg_id(n: int) -> int:
    """The realistic Telegram user id standing for test user `n`."""
    return n + TELEGRAM_ID_OFFSET


def realistic(user_id: int) -> int:
    """`user_id` as a realistic id: small positive test ids are mapped with tg_id."""
    return tg_id(user_id) if 0 < user_id < SHORT_ID_LIMIT else user_id


# Every column that holds a Telegram user or chat id; the engine fixture fails a test that
# stored a short one there. Add new columns here.
TELEGRAM_ID_COLUMNS = (
    ("volunteer", "telegram_id"),
    ("sighting", "chat_id"),
    ("graffiti_draft", "chat_id"),
    ("broadcast", "chat_id"),
)


async def short_ids_stored(engine: AsyncEngine) -> list[str]:
    """`table.column = value` for each stored Telegram id between 1 and 2³¹ (a test's mistake)."""
    found: list[str] = []
    async with engine.connect() as connection:
        tables = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
        for table, column in TELEGRAM_ID_COLUMNS:
            if table not in tables:
                continue
            rows = await connection.execute(
                text(
                    f"SELECT DISTINCT {column} FROM {table} "
                    f"WHERE {column} > 0 AND {column} < :limit LIMIT 5"
                ),
                {"limit": SHORT_ID_LIMIT},
            )
            found += [f"{table}.{column} = {value}" for (value,) in rows]
    return found
