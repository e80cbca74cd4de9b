"""Who sent the update being handled: a small frozen value, not the ORM row.

The volunteer middleware reads the sender's row from the database for every update and hands
handlers this value, so a role or a ban changed a moment ago already counts (a revoked moderator
loses access at once). Handlers never hold the row: a row is mutable, may lazy-load and invites
writes outside the service that owns the commit. A service that must change the sender's row
loads it itself, by `Actor.id`; a service that re-checks a role inside its transaction keeps
doing so.
"""

from dataclasses import dataclass

from models.base import saved_id
from models.enums import Role
from models.volunteer import Volunteer


@dataclass(frozen=True, slots=True)
class Actor:
    id: int  # the database id: saved, never None
    telegram_id: int
    role: Role
    # The language chosen with /lang; None means "follow Telegram's language".
    language: str | None
    telegram_language: str | None
    banned: bool


def actor_of(volunteer: Volunteer) -> Actor:
    return Actor(
        id=saved_id(volunteer),
        telegram_id=volunteer.telegram_id,
        role=volunteer.role,
        language=volunteer.language,
        telegram_language=volunteer.telegram_language,
        banned=volunteer.banned_at is not None,
    )
