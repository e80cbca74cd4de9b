"""What is written on the wall, turned into the same canonical target as a link report."""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from services.extraction import find_links
from services.identity import Target, canonicalize
from services.intake import LinkResult, record_sighting

# Telegram usernames: 5–32 characters, Latin letters, digits, underscores, starting with a letter.
_BARE_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{4,31}")


@dataclass(frozen=True, slots=True)
class WallHandle:
    raw: str
    target: Target


def wall_handle(candidates: Sequence[str], text: str | None) -> WallHandle | None:
    """The first candidate that is a reportable target.

    Walls often show a bare username without "@"; a message that is exactly one such word is
    read as that Telegram username.
    """
    options = list(candidates) or find_links(text or "")
    word = (text or "").strip()
    if not options and _BARE_USERNAME.fullmatch(word):
        options = ["@" + word]
    for raw in options:
        identity = canonicalize(raw)
        if isinstance(identity, Target):
            return WallHandle(raw=raw, target=identity)
    return None


async def link_wall_handle(
    session: AsyncSession,
    *,
    handle: WallHandle,
    volunteer_id: int,
    chat_id: int,
    message_id: int,
) -> LinkResult:
    """Create or confirm the online target, credited to the volunteer who saw the wall."""
    return await record_sighting(
        session,
        target=handle.target,
        raw=handle.raw,
        volunteer_id=volunteer_id,
        chat_id=chat_id,
        message_id=message_id,
    )
