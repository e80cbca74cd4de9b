"""A volunteer's own switches, shown in /settings."""

from enum import StrEnum

from sqlmodel.ext.asyncio.session import AsyncSession

from models.volunteer import Volunteer


class Preference(StrEnum):
    NOTICES = "notices"  # outcome notices: accepted, rejected, blocked, painted over
    DIGEST = "digest"  # the personal weekly message


_FIELDS = {Preference.NOTICES: "notices_enabled", Preference.DIGEST: "personal_digest_enabled"}


def is_enabled(volunteer: Volunteer, preference: Preference) -> bool:
    return bool(getattr(volunteer, _FIELDS[preference]))


async def set_preference(
    session: AsyncSession, *, volunteer: Volunteer, preference: Preference, enabled: bool
) -> Volunteer:
    setattr(volunteer, _FIELDS[preference], enabled)
    session.add(volunteer)
    await session.commit()
    return volunteer
