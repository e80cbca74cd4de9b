"""What volunteers allow to be shown about them, and whether they get the personal digest."""

import re
from enum import StrEnum

from sqlmodel.ext.asyncio.session import AsyncSession

from models.volunteer import Volunteer

MIN_NICKNAME, MAX_NICKNAME = 3, 20
# Letters of any alphabet, digits, spaces, "_", "-" and "."; no "@", "/" or ":", so a nickname
# can never be a handle or a link that leads to a person.
_NICKNAME = re.compile(r"[^\W_][\w .\-]*", re.UNICODE)
# Kazakh numbers have ten digits after the country code; "Owl 2007" is fine, "701 123 45 67" not.
_PHONE_DIGITS = 7


class NicknameProblem(StrEnum):
    LENGTH = "length"
    CHARACTERS = "characters"
    OWN_NAME = "own_name"  # the Telegram first name or username: it would identify them
    PHONE = "phone"  # seven or more digits: a phone number leads straight to a person


def check_nickname(volunteer: Volunteer, nickname: str) -> NicknameProblem | None:
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
    return None


async def show_as(
    session: AsyncSession, *, volunteer: Volunteer, nickname: str
) -> NicknameProblem | None:
    """Opt in to public tallies under `nickname`; returns the problem instead if it is unfit."""
    problem = check_nickname(volunteer, nickname)
    if problem is not None:
        return problem
    volunteer.nickname = " ".join(nickname.split())
    volunteer.public_consent = True
    session.add(volunteer)
    await session.commit()
    return None


async def hide(session: AsyncSession, *, volunteer: Volunteer) -> Volunteer:
    """Withdraw consent: from now on every tally shows "Volunteer"."""
    volunteer.public_consent = False
    volunteer.nickname = None
    session.add(volunteer)
    await session.commit()
    return volunteer


async def set_personal_digest(
    session: AsyncSession, *, volunteer: Volunteer, enabled: bool
) -> Volunteer:
    volunteer.personal_digest_enabled = enabled
    session.add(volunteer)
    await session.commit()
    return volunteer
