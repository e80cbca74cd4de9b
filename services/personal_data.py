"""What the bot keeps about a volunteer (/mydata), and erasing it (/forget_me).

Erasing keeps the volunteer's row, emptied, because their sightings are part of the reports:
a report's "reported by N volunteers" and the finder's credit must not change when someone
leaves. The row loses the name, username, nickname, languages and settings, and its Telegram
id is replaced by a tombstone (minus the row's id: Telegram user ids are positive, so it can
never match anyone), as is the chat id of every sighting; the sightings lose the volunteer's
words (services/words.py); the squad membership goes, and
boards skip forgotten rows. Whoever writes to the bot afterwards starts as a new volunteer.

Staff cannot erase themselves while they hold a role (their actions in the audit trail name
them); a banned volunteer never reaches this code (handlers/banned.py answers them first), so
a ban cannot be shed this way.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, delete, func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import Role, TargetKind
from models.moderation import Notice
from models.report import Report, Sighting
from models.seniors import SeniorVote
from models.squads import Squad, SquadCurator, SquadMember
from models.volunteer import Volunteer
from services import volunteers
from services.actor import Actor
from services.clock import utcnow
from services.graffiti import conversation as graffiti_conversation


@dataclass(frozen=True, slots=True)
class PersonalData:
    telegram_id: int
    first_name: str
    username: str | None
    language: str | None
    telegram_language: str | None
    joined_at: datetime
    nickname: str | None  # shown on boards only when public
    public: bool
    notices_enabled: bool
    personal_digest_enabled: bool
    squad: str | None
    links: int
    photos: int
    words: int  # sightings that keep what the volunteer wrote (moderators read them)
    notes: int = 0  # notes they added to their own new reports (moderators read them)
    # Votes cast as a senior volunteer: kept after /forget_me like the sightings (the agreement
    # of the moderators' decisions is history), but never shown with a name.
    votes: int = 0


async def personal_data(session: AsyncSession, volunteer_id: int) -> PersonalData:
    volunteer = await volunteers.load(session, volunteer_id)
    squad = (
        await session.exec(
            select(Squad.name)
            .join(SquadMember, col(SquadMember.squad_id) == col(Squad.id))
            .where(SquadMember.volunteer_id == volunteer_id)
        )
    ).first()
    graffiti = func.sum(case((col(Report.kind) == TargetKind.GRAFFITI.value, 1), else_=0))
    sightings, photos, words, notes = (
        await session.exec(
            select(
                func.count(),
                graffiti,
                func.count(col(Sighting.words)),
                func.count(col(Sighting.note)),
            )
            .select_from(Sighting)
            .join(Report, col(Report.id) == col(Sighting.report_id))
            .where(Sighting.volunteer_id == volunteer_id)
        )
    ).one()
    votes = (
        await session.exec(
            select(func.count())
            .select_from(SeniorVote)
            .where(SeniorVote.volunteer_id == volunteer_id)
        )
    ).one()
    return PersonalData(
        telegram_id=volunteer.telegram_id,
        first_name=volunteer.first_name,
        username=volunteer.username,
        language=volunteer.language,
        telegram_language=volunteer.telegram_language,
        joined_at=volunteer.created_at,
        nickname=volunteer.nickname,
        public=volunteer.public_consent,
        notices_enabled=volunteer.notices_enabled,
        personal_digest_enabled=volunteer.personal_digest_enabled,
        squad=squad,
        links=int(sightings or 0) - int(photos or 0),
        photos=int(photos or 0),
        words=int(words or 0),
        notes=int(notes or 0),
        votes=int(votes or 0),
    )


def is_forgotten(telegram_id: int) -> bool:
    """Whether a stored Telegram id is the tombstone /forget_me left."""
    return telegram_id < 0


def may_forget(actor: Actor, *, is_staff: bool) -> bool:
    """Staff keep their data while they hold a role. An erased row never acts again (its
    Telegram id is replaced by a tombstone), and `forget` itself skips an erased row."""
    return not is_staff and actor.role == Role.VOLUNTEER


async def forget(session: AsyncSession, *, volunteer_id: int) -> bool:
    """Erase the volunteer's personal data in one transaction; False if already forgotten.

    An unfinished graffiti conversation goes first (in its own transaction): it holds the chat
    id, and nothing of it is a report yet.
    """
    await graffiti_conversation.cancel(session, volunteer_id=volunteer_id)
    tombstone = -volunteer_id
    erased = await session.exec(
        update(Volunteer)
        .where(col(Volunteer.id) == volunteer_id, col(Volunteer.forgotten_at).is_(None))
        .values(
            telegram_id=tombstone,
            first_name="",
            username=None,
            nickname=None,
            public_consent=False,
            language=None,
            telegram_language=None,
            notices_enabled=False,
            personal_digest_enabled=False,
            is_reachable=False,
            forgotten_at=utcnow(),
        )
    )
    if erased.rowcount != 1:
        await session.rollback()
        return False
    sightings = update(Sighting).where(col(Sighting.volunteer_id) == volunteer_id)
    # Their words are personal too; the sightings stay as anonymous credits.
    await session.exec(sightings.values(chat_id=tombstone, words=None, note=None))
    # A wall photo's sighting also kept its caption as sent: that is their words as well.
    walls = select(Report.id).where(col(Report.kind) == TargetKind.GRAFFITI.value)
    await session.exec(
        sightings.where(col(Sighting.report_id).in_(walls)).values(text_as_sent="[photo]")
    )
    await session.exec(delete(SquadMember).where(col(SquadMember.volunteer_id) == volunteer_id))
    await session.exec(delete(SquadCurator).where(col(SquadCurator.volunteer_id) == volunteer_id))
    await session.exec(
        update(Notice)
        .where(col(Notice.volunteer_id) == volunteer_id, col(Notice.done_at).is_(None))
        .values(done_at=utcnow())
    )
    await session.commit()
    return True


async def forgotten_ids(session: AsyncSession) -> set[int]:
    """Rows emptied by /forget_me: boards leave them out (usually a handful, so one query)."""
    rows = await session.exec(select(Volunteer.id).where(col(Volunteer.forgotten_at).is_not(None)))
    return {volunteer_id for volunteer_id in rows.all() if volunteer_id is not None}
