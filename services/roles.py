"""Who may do what. Roles are read from the database on every action, never from a button.

The rules between roles and bans live here, so that every path that grants or bans obeys them:
a banned person is given no role (they could not use it anyway: `is_moderator`, `is_senior`),
and a moderator, senior or administrator is not banned (revoke the role first: one rule, "a
banned person holds no role", instead of roles that lie dormant under a ban). A moderator is
not made a senior (they outrank one); a senior made a moderator is a moderator. Every change
is written to `role_change` (who, whom, from, to, when) in the transaction that makes it.
Each change reads the target's row again, locked on PostgreSQL, so a ban and a grant racing
each other cannot both pass their check.
"""

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import and_, func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import saved_id
from models.enums import Role
from models.seniors import RoleChange as RoleChangeEntry
from models.volunteer import Volunteer
from services.actor import Actor, actor_of
from services.clock import utcnow


def is_admin(actor: Actor | None, admin_ids: Collection[int]) -> bool:
    return actor is not None and actor.telegram_id in admin_ids


def is_senior(actor: Actor | None) -> bool:
    """A senior volunteer (/check); a banned one is not (they cannot be banned, but stay safe)."""
    return actor is not None and not actor.banned and actor.role == Role.SENIOR


def is_moderator(actor: Actor | None, admin_ids: Collection[int]) -> bool:
    """Administrators moderate too; a banned moderator does not."""
    if actor is None or actor.banned:
        return is_admin(actor, admin_ids)
    return actor.role == Role.MODERATOR or is_admin(actor, admin_ids)


async def find_volunteer(session: AsyncSession, reference: str) -> Volunteer | None:
    """By Telegram id (`12345`) or by username (`@name`, case-insensitive).

    None also when several people carry the name: never guess whom a role or a ban is for.
    """
    found = await find_volunteers(session, reference)
    return found[0] if len(found) == 1 else None


async def find_volunteers(session: AsyncSession, reference: str) -> list[Volunteer]:
    """Everyone `reference` may mean, at most two.

    A username can name two rows: Telegram lets names change hands, and a row keeps the old
    name until its owner writes to the bot again.
    """
    reference = reference.strip()
    if reference.lstrip("-").isdigit():
        statement = select(Volunteer).where(Volunteer.telegram_id == int(reference))
    else:
        name = reference.removeprefix("@").lower()
        if not name:
            return []
        statement = select(Volunteer).where(func.lower(Volunteer.username) == name)
    return list((await session.exec(statement.limit(2))).all())


class Refusal(StrEnum):
    BANNED = "banned"  # a banned person is not given a role
    STAFF = "staff"  # a moderator or administrator is not banned
    SENIOR = "senior"  # nor a senior: an administrator takes the role back first
    OUTRANKED = "outranked"  # a moderator is not made a senior


@dataclass(frozen=True, slots=True)
class RoleChange:
    volunteer: Volunteer
    changed: bool
    refused: Refusal | None = None


async def _fresh(session: AsyncSession, volunteer: Volunteer) -> None:
    """The row as the database has it now, locked (PostgreSQL) until this change commits or,
    when nothing changes, until the update's session closes. Nothing is committed then: the
    error handler reads a commit as "the update's work was saved"."""
    await session.refresh(volunteer, with_for_update=True)


async def set_role(
    session: AsyncSession, *, volunteer: Volunteer, role: Role, actor_id: int | None = None
) -> RoleChange:
    """Give `role` (moderator or senior); `actor_id` is the administrator, for the audit."""
    await _fresh(session, volunteer)
    if role != Role.VOLUNTEER and volunteer.banned_at is not None:
        return RoleChange(volunteer, changed=False, refused=Refusal.BANNED)
    if volunteer.role == role:
        return RoleChange(volunteer, changed=False)
    if role == Role.SENIOR and volunteer.role == Role.MODERATOR:
        return RoleChange(volunteer, changed=False, refused=Refusal.OUTRANKED)
    await _change(session, volunteer, role, actor_id)
    return RoleChange(volunteer, changed=True)


async def revoke_role(
    session: AsyncSession, *, volunteer: Volunteer, role: Role, actor_id: int | None = None
) -> RoleChange:
    """Take `role` back, making them a volunteer; someone who does not hold exactly that role
    keeps theirs (/revoke_senior leaves a moderator a moderator, /revoke a senior a senior)."""
    await _fresh(session, volunteer)
    if volunteer.role != role or role == Role.VOLUNTEER:
        return RoleChange(volunteer, changed=False)
    await _change(session, volunteer, Role.VOLUNTEER, actor_id)
    return RoleChange(volunteer, changed=True)


async def _change(
    session: AsyncSession, volunteer: Volunteer, role: Role, actor_id: int | None
) -> None:
    session.add(
        RoleChangeEntry(
            volunteer_id=saved_id(volunteer),
            from_role=volunteer.role,
            to_role=role,
            actor_id=actor_id,
        )
    )
    volunteer.role = role
    session.add(volunteer)
    await session.commit()


async def ban(
    session: AsyncSession, *, volunteer: Volunteer, reason: str | None, admin_ids: Collection[int]
) -> RoleChange:
    await _fresh(session, volunteer)
    if is_moderator(actor_of(volunteer), admin_ids):
        return RoleChange(volunteer, changed=False, refused=Refusal.STAFF)
    if volunteer.role == Role.SENIOR:
        return RoleChange(volunteer, changed=False, refused=Refusal.SENIOR)
    if volunteer.banned_at is not None:
        return RoleChange(volunteer, changed=False)
    volunteer.banned_at = utcnow()
    volunteer.ban_reason = (reason or "")[:500] or None
    session.add(volunteer)
    await session.commit()
    return RoleChange(volunteer, changed=True)


async def unban(session: AsyncSession, *, volunteer: Volunteer) -> RoleChange:
    await _fresh(session, volunteer)
    if volunteer.banned_at is None:
        return RoleChange(volunteer, changed=False)
    volunteer.banned_at = None
    volunteer.ban_reason = None
    session.add(volunteer)
    await session.commit()
    return RoleChange(volunteer, changed=True)


async def staff_languages(
    session: AsyncSession, admin_ids: Collection[int]
) -> dict[int, tuple[str | None, str | None]]:
    """Telegram id → (chosen language, Telegram's language) of every moderator and
    administrator; administrators who never wrote to the bot have (None, None)."""
    found = await session.exec(
        select(Volunteer).where(
            or_(
                and_(col(Volunteer.role) == Role.MODERATOR, col(Volunteer.banned_at).is_(None)),
                col(Volunteer.telegram_id).in_(admin_ids),
            )
        )
    )
    languages: dict[int, tuple[str | None, str | None]] = dict.fromkeys(admin_ids, (None, None))
    for volunteer in found:
        languages[volunteer.telegram_id] = (volunteer.language, volunteer.telegram_language)
    return languages


async def senior_languages(session: AsyncSession) -> dict[int, tuple[str | None, str | None]]:
    """Telegram id → (chosen language, Telegram's language) of every senior volunteer."""
    found = await session.exec(
        select(Volunteer).where(
            col(Volunteer.role) == Role.SENIOR, col(Volunteer.banned_at).is_(None)
        )
    )
    return {v.telegram_id: (v.language, v.telegram_language) for v in found}
