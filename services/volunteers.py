"""Registering volunteers and their preferences."""

from sqlalchemy import func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.upsert import insert_ignore
from models.volunteer import Volunteer
from services.actor import Actor, actor_of
from services.volunteer_cache import Profile, VolunteerCache


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
        if username:
            await _release_username(session, username, keep_id=None)
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
        if username and username != volunteer.username:
            await _release_username(session, username, keep_id=volunteer.id)
        volunteer.first_name = first_name[:128]
        volunteer.username = username
        volunteer.telegram_language = telegram_language
        volunteer.is_reachable = True
        session.add(volunteer)
        await session.commit()
    return volunteer


async def _release_username(session: AsyncSession, username: str, *, keep_id: int | None) -> None:
    """Telegram usernames change hands: forget it on whoever carried it before, so that
    `/grant @name` can never reach the previous owner."""
    statement = (
        update(Volunteer)
        .where(func.lower(Volunteer.username) == username.lower())
        .values(username=None)
    )
    if keep_id is not None:
        statement = statement.where(col(Volunteer.id) != keep_id)
    await session.exec(statement)


async def get_by_telegram_id(session: AsyncSession, telegram_id: int) -> Volunteer | None:
    result = await session.exec(select(Volunteer).where(Volunteer.telegram_id == telegram_id))
    return result.first()


async def mark_unreachable(
    session: AsyncSession, *, volunteer_id: int, commit: bool = True
) -> None:
    """Telegram says the volunteer blocked the bot or is gone: bulk senders skip them from now
    on, until they write again (`register`). `commit=False` joins the caller's transaction."""
    await session.exec(
        update(Volunteer).where(col(Volunteer.id) == volunteer_id).values(is_reachable=False)
    )
    if commit:
        await session.commit()


async def load(session: AsyncSession, volunteer_id: int) -> Volunteer:
    """The row of someone the bot knows, e.g. the person acting (services.actor.Actor.id), for
    a service that changes it or a screen that shows their own settings."""
    volunteer = await session.get(Volunteer, volunteer_id)
    if volunteer is None:
        raise LookupError(f"no volunteer {volunteer_id}")
    return volunteer


async def set_language(session: AsyncSession, *, volunteer_id: int, language: str) -> Volunteer:
    volunteer = await load(session, volunteer_id)
    volunteer.language = language
    session.add(volunteer)
    await session.commit()
    return volunteer


async def resolve(
    session: AsyncSession,
    cache: VolunteerCache,
    *,
    telegram_id: int,
    first_name: str,
    username: str | None,
    telegram_language: str | None,
) -> Actor:
    """The sender of a private update: from the cache when nothing about them changed (no
    query), else registered or refreshed as `register` does."""
    profile = Profile(first_name[:128], username, telegram_language)
    actor = cache.get(telegram_id, profile)
    if actor is not None:
        return actor
    generation = cache.generation
    volunteer = await register(
        session,
        telegram_id=telegram_id,
        first_name=first_name,
        username=username,
        telegram_language=telegram_language,
    )
    cache.keep(volunteer, read_at_generation=generation)
    return actor_of(volunteer)
