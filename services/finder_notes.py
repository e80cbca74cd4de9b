"""A volunteer's note on their own new report (`sighting.note`): for moderators only.

Shown on the queue card and in /report beside the volunteers' words, escaped and without a
name; never to another volunteer; /forget_me empties it. A new note replaces the earlier one:
one sighting, one note, as the column holds.
"""

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import saved_id
from services.own_sighting import OwnSighting, Refused, own_new_sighting

# The `sighting.note` column is this wide; a longer note is refused, never cut unseen.
NOTE_MAX = 500


def clean_note(text: str | None) -> str:
    """The note as kept: whitespace collapsed (a pasted note keeps no layout on the card)."""
    return " ".join((text or "").split())


@dataclass(frozen=True, slots=True)
class NoteSaved:
    report_id: int
    replaced: bool  # an earlier note of theirs was there


async def add_note(
    session: AsyncSession, *, volunteer_id: int, report_id: int, text: str
) -> NoteSaved | Refused:
    """Keep `text` (already cleaned, 1..NOTE_MAX characters) on the volunteer's sighting."""
    note = clean_note(text)
    if not 0 < len(note) <= NOTE_MAX:
        raise ValueError("the handler checks the note's length")
    found = await own_new_sighting(session, volunteer_id=volunteer_id, report_id=report_id)
    if not isinstance(found, OwnSighting):
        await session.commit()  # nothing written: ends the read and the lock
        return found
    sighting = found.sighting
    replaced = sighting.note is not None
    sighting.note = note
    session.add(sighting)
    await session.commit()
    return NoteSaved(saved_id(found.report), replaced)


async def may_add_note(
    session: AsyncSession, *, volunteer_id: int, report_id: int
) -> int | Refused:
    """Before asking for the text, the number the note would go on: refused now rather than
    after the volunteer typed it."""
    found = await own_new_sighting(session, volunteer_id=volunteer_id, report_id=report_id)
    survivor_id = saved_id(found.report) if isinstance(found, OwnSighting) else found
    await session.commit()  # nothing written: ends the read and the lock
    return survivor_id
