"""Who still has to get a week's digest, and the record that someone got it.

A row in digest_delivery is written right after a send succeeded, one transaction each; a
restarted run skips everyone with a row, so nobody gets a week twice and nobody is skipped.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import exists
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.digest import DigestDelivery
from models.enums import RecipientKind
from models.report import Sighting
from models.upsert import insert_ignore
from models.volunteer import Volunteer
from services.clock import utcnow
from services.pacing import Progress
from services.weeks import Week

ACTIVE_WINDOW = timedelta(weeks=4)


@dataclass(frozen=True, slots=True)
class DigestRunReport:
    week: Week
    chats: int  # chats still waiting when the run started
    volunteers: int  # volunteers still waiting when the run started
    progress: Progress | None  # None: nobody was waiting
    # The week ended before the bot first started (services/first_start): nothing was posted.
    predates_bot: bool = False


@dataclass(frozen=True, slots=True)
class PersonalRecipient:
    volunteer_id: int
    telegram_id: int
    language: str | None
    telegram_language: str | None


async def delivered(session: AsyncSession, *, week: Week, kind: RecipientKind) -> set[int]:
    rows = await session.exec(
        select(DigestDelivery.recipient_id).where(
            DigestDelivery.week == week.key, DigestDelivery.recipient_kind == kind
        )
    )
    return set(rows.all())


async def pending_chats(
    session: AsyncSession, *, week: Week, chat_ids: Sequence[int]
) -> list[int]:
    done = await delivered(session, week=week, kind=RecipientKind.CHAT)
    return [chat_id for chat_id in dict.fromkeys(chat_ids) if chat_id not in done]


async def pending_volunteers(session: AsyncSession, *, week: Week) -> list[PersonalRecipient]:
    """Reachable, unbanned volunteers active in the four weeks up to the week's end who keep the
    personal message on and have not had this week's yet."""
    active = exists().where(
        col(Sighting.volunteer_id) == col(Volunteer.id),
        col(Sighting.created_at) >= week.end - ACTIVE_WINDOW,
        col(Sighting.created_at) < week.end,
    )
    done = select(DigestDelivery.recipient_id).where(
        DigestDelivery.week == week.key,
        DigestDelivery.recipient_kind == RecipientKind.VOLUNTEER,
    )
    rows = await session.exec(
        select(
            Volunteer.id, Volunteer.telegram_id, Volunteer.language, Volunteer.telegram_language
        )
        .where(active)
        .where(col(Volunteer.personal_digest_enabled).is_(True))
        .where(col(Volunteer.is_reachable).is_(True))
        .where(col(Volunteer.banned_at).is_(None))
        .where(col(Volunteer.id).not_in(done))
        .order_by(col(Volunteer.id))
    )
    return [PersonalRecipient(*row) for row in rows.all()]


async def record_delivery(
    session: AsyncSession, *, week: Week, kind: RecipientKind, recipient_id: int
) -> bool:
    """Record one delivery in its own transaction; False if it was recorded already."""
    row_id = await insert_ignore(
        session,
        DigestDelivery,
        {
            "week": week.key,
            "recipient_kind": kind,
            "recipient_id": recipient_id,
            "delivered_at": utcnow(),
        },
        ["week", "recipient_kind", "recipient_id"],
    )
    await session.commit()
    return row_id is not None
