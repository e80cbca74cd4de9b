"""Who an administrator's broadcast reaches: every volunteer who can still be written to."""

from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.volunteer import Volunteer


@dataclass(frozen=True, slots=True)
class Recipient:
    volunteer_id: int
    telegram_id: int


async def broadcast_recipients(session: AsyncSession) -> list[Recipient]:
    rows = await session.exec(
        select(Volunteer.id, Volunteer.telegram_id)
        .where(col(Volunteer.is_reachable).is_(True), col(Volunteer.banned_at).is_(None))
        .order_by(col(Volunteer.id))
    )
    return [Recipient(volunteer_id or 0, telegram_id) for volunteer_id, telegram_id in rows.all()]
