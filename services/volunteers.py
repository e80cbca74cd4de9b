"""Registering volunteers and their preferences."""

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.upsert import insert_ignore
from models.volunteer import Volunteer


async def register(
    session: AsyncSession,
    *,
    telegram_id: int,
    first_name: str,
    username: str | None,
    telegram_language: str | None,
) -> Volunteer:
    """Return the volunteer for this Telegram user, creating or refreshing the row."""
    volunteer = await get_by_telegram_id(session, telegram_id)
    if volunteer is None:
        await insert_ignore(
            session,
            Volunteer,
            {
                "telegram_id": telegram_id,
                "first_name": first_name[:128],
                "username": username,
                "telegram_language": telegram_language,
            },
            ["telegram_id"],
        )
        await session.commit()
        volunteer = await get_by_telegram_id(session, telegram_id)
        assert volunteer is not None
        return volunteer
    # Writing to the bot again means they unblocked it: bulk senders may reach them again.
    changed = (
        volunteer.first_name,
        volunteer.username,
        volunteer.telegram_language,
        volunteer.is_reachable,
    ) != (first_name[:128], username, telegram_language, True)
    if changed:
        volunteer.first_name = first_name[:128]
        volunteer.username = username
        volunteer.telegram_language = telegram_language
        volunteer.is_reachable = True
        session.add(volunteer)
        await session.commit()
    return volunteer


async def get_by_telegram_id(session: AsyncSession, telegram_id: int) -> Volunteer | None:
    result = await session.exec(select(Volunteer).where(Volunteer.telegram_id == telegram_id))
    return result.first()


async def set_language(session: AsyncSession, *, volunteer: Volunteer, language: str) -> Volunteer:
    volunteer.language = language
    session.add(volunteer)
    await session.commit()
    return volunteer
