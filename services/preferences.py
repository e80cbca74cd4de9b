"""A volunteer's own switches, shown in /settings."""

from enum import StrEnum

from sqlmodel.ext.asyncio.session import AsyncSession

from models.volunteer import Volunteer
from services import volunteers


class Preference(StrEnum):
    NOTICES = "notices"  # outcome notices: accepted, rejected, blocked, painted over
    DIGEST = "digest"  # the personal weekly message


_FIELDS = {Preference.NOTICES: "notices_enabled", Preference.DIGEST: "personal_digest_enabled"}


def is_enabled(volunteer: Volunteer, preference: Preference) -> bool:
    return bool(getattr(volunteer, _FIELDS[preference]))


async def set_preference(
    session: AsyncSession, *, volunteer_id: int, preference: Preference, enabled: bool
) -> Volunteer:
    volunteer = await volunteers.load(session, volunteer_id)
    setattr(volunteer, _FIELDS[preference], enabled)
    session.add(volunteer)
    await session.commit()
    return volunteer
