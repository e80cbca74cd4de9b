"""What volunteers allow the boards to show about them: a checked nickname, or «Volunteer».

Plain on/off switches, the personal weekly message that /privacy also shows among them, live in
services/preferences.py.
"""

import re
from collections.abc import Collection
from enum import StrEnum

from sqlalchemy import func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.volunteer import Volunteer
from services import volunteers

MIN_NICKNAME, MAX_NICKNAME = 3, 20
# Letters of any alphabet, digits, spaces, "_", "-" and "."; no "@", "/" or ":", so a nickname
# can never be a handle or a link that leads to a person.
_NICKNAME = re.compile(r"[^\W_][\w .\-]*", re.UNICODE)
# Kazakh numbers have ten digits after the country code; "Owl 2007" is fine, "701 123 45 67" not.
_PHONE_DIGITS = 7


# Words that would pass a volunteer off as staff, or as the anonymous «Volunteer» of the boards
# (in every language the boards are shown in). The bot's own name is added by the caller.
RESERVED_WORDS = frozenset(
    word.casefold()
    for word in (
        *("admin", "administrator", "moderator", "volunteer", "curator", "bot"),
        *("админ", "администратор", "модератор", "волонтёр", "волонтер", "куратор", "бот"),
        *("әкімші", "ерікті"),
    )
)


class NicknameProblem(StrEnum):
    LENGTH = "length"
    CHARACTERS = "characters"
    OWN_NAME = "own_name"  # the Telegram first name or username: it would identify them
    PHONE = "phone"  # seven or more digits: a phone number leads straight to a person
    RESERVED = "reserved"  # a staff title, «Volunteer», or the bot's name
    TAKEN = "taken"  # another volunteer's nickname or username: it would pass for them


def _words(text: str) -> set[str]:
    return {word for word in re.split(r"[\W_]+", text.casefold()) if word}


def check_nickname(
    volunteer: Volunteer, nickname: str, *, reserved: Collection[str] = ()
) -> NicknameProblem | None:
    """The nickname's own problems; `reserved` adds names (the bot's) to RESERVED_WORDS.

    A reserved word anywhere in the nickname counts ("Admin Aru" would pass for staff).
    """
    nickname = " ".join(nickname.split())
    if not MIN_NICKNAME <= len(nickname) <= MAX_NICKNAME:
        return NicknameProblem.LENGTH
    if not _NICKNAME.fullmatch(nickname) or nickname.isdigit():
        return NicknameProblem.CHARACTERS
    if sum(character.isdigit() for character in nickname) >= _PHONE_DIGITS:
        return NicknameProblem.PHONE
    lowered = nickname.casefold()
    own = {volunteer.first_name.casefold(), (volunteer.username or "").casefold()}
    if lowered in own:
        return NicknameProblem.OWN_NAME
    banned = RESERVED_WORDS | {name.casefold() for name in reserved if name}
    if _words(nickname) & banned or lowered in banned:
        return NicknameProblem.RESERVED
    return None


async def _taken(session: AsyncSession, volunteer: Volunteer, nickname: str) -> bool:
    lowered = nickname.lower()
    found = await session.exec(
        select(Volunteer.id)
        .where(
            col(Volunteer.id) != volunteer.id,
            or_(
                func.lower(Volunteer.nickname) == lowered,
                func.lower(Volunteer.username) == lowered.removeprefix("@"),
            ),
        )
        .limit(1)
    )
    return found.first() is not None


async def show_as(
    session: AsyncSession, *, volunteer_id: int, nickname: str, reserved: Collection[str] = ()
) -> NicknameProblem | None:
    """Opt in to public tallies under `nickname`; returns the problem instead if it is unfit."""
    volunteer = await volunteers.load(session, volunteer_id)
    problem = check_nickname(volunteer, nickname, reserved=reserved)
    if problem is not None:
        return problem
    nickname = " ".join(nickname.split())
    if await _taken(session, volunteer, nickname):
        return NicknameProblem.TAKEN
    volunteer.nickname = nickname
    volunteer.public_consent = True
    session.add(volunteer)
    await session.commit()
    return None


async def hide(session: AsyncSession, *, volunteer_id: int) -> Volunteer:
    """Withdraw consent: from now on every tally shows "Volunteer"."""
    volunteer = await volunteers.load(session, volunteer_id)
    volunteer.public_consent = False
    volunteer.nickname = None
    session.add(volunteer)
    await session.commit()
    return volunteer
