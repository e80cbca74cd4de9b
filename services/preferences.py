"""A volunteer's own on/off switches: outcome notices and the personal weekly message.

This module owns every plain per-volunteer setting switch, whichever screen shows it: /settings
switches both, /privacy switches the weekly message too, and both call set_preference, so one
setting is written one way. services/privacy.py keeps only the identity rules (whether a
nickname may be shown, and the consent that goes with it): those are checks, not toggles.
"""

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
