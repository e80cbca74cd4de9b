"""Squads: administrators create them, volunteers join by code, curators follow them."""

import secrets
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import saved_id
from models.squads import Squad, SquadCurator, SquadMember
from models.upsert import insert_ignore
from models.volunteer import Volunteer
from services.clock import utcnow

# No 0/O or 1/I/L: codes are read aloud in classrooms and typed from posters.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
MAX_NAME = 64


class JoinOutcome(StrEnum):
    JOINED = "joined"
    MOVED = "moved"  # left their previous squad for this one
    ALREADY = "already"
    UNKNOWN_CODE = "unknown_code"


@dataclass(frozen=True, slots=True)
class JoinResult:
    outcome: JoinOutcome
    squad: Squad | None = None


def normalise_code(code: str) -> str:
    return code.strip().upper().removeprefix("SQUAD_")


def new_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(CODE_LENGTH))


async def create_squad(session: AsyncSession, *, name: str, created_by_id: int) -> Squad | None:
    """A new squad with a fresh join code; None if the name is taken."""
    name = " ".join(name.split())[:MAX_NAME]
    # Compared in Python: SQLite's lower() folds only ASCII, and most squads have Cyrillic names.
    taken = {existing.casefold() for existing in (await session.exec(select(Squad.name))).all()}
    if name.casefold() in taken:
        return None
    try:
        while True:
            values = {"name": name, "code": new_code(), "created_by_id": created_by_id}
            values["created_at"] = utcnow()
            squad_id = await insert_ignore(session, Squad, values, ["code"])
            if squad_id is not None:
                break
        await session.commit()
    except IntegrityError:  # the same name created by another administrator just now
        await session.rollback()
        return None
    return await session.get(Squad, squad_id)


async def find_by_code(session: AsyncSession, code: str) -> Squad | None:
    result = await session.exec(select(Squad).where(Squad.code == normalise_code(code)))
    return result.first()


async def join(session: AsyncSession, *, volunteer_id: int, code: str) -> JoinResult:
    """One squad per volunteer: joining another squad moves the volunteer there."""
    squad = await find_by_code(session, code)
    if squad is None:
        return JoinResult(JoinOutcome.UNKNOWN_CODE)
    membership = await session.get(SquadMember, volunteer_id)
    if membership is not None and membership.squad_id == squad.id:
        return JoinResult(JoinOutcome.ALREADY, squad)
    outcome = JoinOutcome.JOINED if membership is None else JoinOutcome.MOVED
    if membership is None:
        membership = SquadMember(volunteer_id=volunteer_id, squad_id=saved_id(squad))
    membership.squad_id = saved_id(squad)
    membership.joined_at = utcnow()
    session.add(membership)
    await session.commit()
    return JoinResult(outcome, squad)


async def leave(session: AsyncSession, *, volunteer_id: int) -> Squad | None:
    """Leave the current squad; returns the squad left, or None if there was none."""
    membership = await session.get(SquadMember, volunteer_id)
    if membership is None:
        return None
    squad = await session.get(Squad, membership.squad_id)
    await session.delete(membership)
    await session.commit()
    return squad


async def squad_of(session: AsyncSession, volunteer_id: int) -> Squad | None:
    result = await session.exec(
        select(Squad)
        .join(SquadMember, col(SquadMember.squad_id) == col(Squad.id))
        .where(SquadMember.volunteer_id == volunteer_id)
    )
    return result.first()


async def curated_squads(session: AsyncSession, volunteer_id: int) -> list[Squad]:
    result = await session.exec(
        select(Squad)
        .join(SquadCurator, col(SquadCurator.squad_id) == col(Squad.id))
        .where(SquadCurator.volunteer_id == volunteer_id)
        .order_by(col(Squad.name))
    )
    return list(result.all())


async def add_curator(session: AsyncSession, *, squad: Squad, volunteer: Volunteer) -> bool:
    """True if the volunteer became a curator now, False if they already were."""
    if await session.get(SquadCurator, (squad.id, volunteer.id)) is not None:
        return False
    session.add(SquadCurator(squad_id=saved_id(squad), volunteer_id=saved_id(volunteer)))
    await session.commit()
    return True


async def member_count(session: AsyncSession, squad_id: int) -> int:
    result = await session.exec(
        select(func.count()).select_from(SquadMember).where(SquadMember.squad_id == squad_id)
    )
    return result.one()


async def list_squads(session: AsyncSession) -> list[Squad]:
    return list((await session.exec(select(Squad).order_by(col(Squad.name)))).all())
