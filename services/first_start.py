"""When the bot first started: nothing before it is reported as the bot's own work.

The weekly digest of a week that ended before this moment would be all zeros with a flat chart,
so it is never posted. A database that already has volunteers (a deployment from before this
record existed) dates its first start back to its first volunteer, so upgrading skips nothing.
"""

from datetime import datetime

from sqlalchemy import func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.bot_facts import BotFact
from models.upsert import insert_ignore
from models.volunteer import Volunteer

FIRST_START = "first_start"


async def first_start(session: AsyncSession) -> datetime | None:
    found = await session.exec(select(BotFact.at).where(BotFact.key == FIRST_START))
    return found.first()


async def record_first_start(session: AsyncSession, *, now: datetime) -> datetime:
    """Record the first start unless one is recorded already; returns the recorded moment."""
    recorded = await first_start(session)
    if recorded is not None:
        return recorded
    earliest = (await session.exec(select(func.min(Volunteer.created_at)))).first()
    moment = min(now, earliest) if earliest is not None else now
    await insert_ignore(session, BotFact, {"key": FIRST_START, "at": moment}, ["key"])
    await session.commit()
    recorded = await first_start(session)
    assert recorded is not None
    return recorded
