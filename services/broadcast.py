"""Administrators' broadcasts: prepared from a command, previewed, then sent to their recipients.

Every step is one transaction on the rows of models/broadcast.py. `prepare` is idempotent per
command message, `start` and `cancel` move the state only from PREVIEW (so a second press, or a
redelivered one, changes nothing), and outcomes are written one recipient at a time, so a run
cut short resumes with exactly the recipients still waiting.
"""

from dataclasses import dataclass

from sqlalchemy import func, insert, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.broadcast import Broadcast, BroadcastDelivery
from models.enums import BroadcastOutcome, BroadcastState
from models.upsert import insert_ignore
from models.volunteer import Volunteer
from services import volunteers
from services.clock import utcnow
from services.locales import pick_locale


@dataclass(frozen=True, slots=True)
class Recipient:
    volunteer_id: int
    telegram_id: int


@dataclass(frozen=True, slots=True)
class BroadcastCounts:
    total: int
    sent: int = 0
    unavailable: int = 0
    failed: int = 0

    @property
    def waiting(self) -> int:
        return self.total - self.sent - self.unavailable - self.failed


async def broadcast_recipients(
    session: AsyncSession, *, language: str | None = None
) -> list[Recipient]:
    """Every volunteer who can still be written to, in `language` if one is given (the
    language the bot speaks to them in: their choice, else Telegram's, else Russian)."""
    rows = await session.exec(
        select(
            Volunteer.id, Volunteer.telegram_id, Volunteer.language, Volunteer.telegram_language
        )
        .where(col(Volunteer.is_reachable).is_(True), col(Volunteer.banned_at).is_(None))
        .where(col(Volunteer.forgotten_at).is_(None))
        .order_by(col(Volunteer.id))
    )
    return [
        Recipient(volunteer_id or 0, telegram_id)
        for volunteer_id, telegram_id, chosen, telegram_language in rows.all()
        if language is None or pick_locale(chosen, telegram_language) == language
    ]


async def prepare(
    session: AsyncSession,
    *,
    created_by_id: int,
    chat_id: int,
    request_message_id: int,
    text: str,
    language: str | None,
) -> tuple[Broadcast, bool]:
    """The broadcast of this command message, and whether this call created it."""
    created = await insert_ignore(
        session,
        Broadcast,
        {
            "created_by_id": created_by_id,
            "chat_id": chat_id,
            "request_message_id": request_message_id,
            "text": text,
            "language": language,
            "state": BroadcastState.PREVIEW,
        },
        ["chat_id", "request_message_id"],
    )
    broadcast = (
        await session.exec(
            select(Broadcast).where(
                Broadcast.chat_id == chat_id, Broadcast.request_message_id == request_message_id
            )
        )
    ).one()
    await session.commit()
    return broadcast, created is not None


async def remember_status_message(
    session: AsyncSession, *, broadcast_id: int, message_id: int
) -> None:
    await session.exec(
        update(Broadcast)
        .where(col(Broadcast.id) == broadcast_id)
        .values(status_message_id=message_id)
    )
    await session.commit()


async def start(session: AsyncSession, *, broadcast_id: int) -> BroadcastCounts | None:
    """PREVIEW → SENDING with one waiting delivery per recipient; None if it was not a preview."""
    moved = await session.exec(
        update(Broadcast)
        .where(col(Broadcast.id) == broadcast_id, col(Broadcast.state) == BroadcastState.PREVIEW)
        .values(state=BroadcastState.SENDING, started_at=utcnow())
    )
    if moved.rowcount != 1:
        await session.rollback()
        return None
    language = (
        await session.exec(select(Broadcast.language).where(col(Broadcast.id) == broadcast_id))
    ).one()
    recipients = await broadcast_recipients(session, language=language)
    if recipients:
        await session.exec(
            insert(BroadcastDelivery),
            params=[
                {"broadcast_id": broadcast_id, "volunteer_id": r.volunteer_id} for r in recipients
            ],
        )
    await session.commit()
    return BroadcastCounts(total=len(recipients))


async def cancel(session: AsyncSession, *, broadcast_id: int) -> bool:
    cancelled = await session.exec(
        update(Broadcast)
        .where(col(Broadcast.id) == broadcast_id, col(Broadcast.state) == BroadcastState.PREVIEW)
        .values(state=BroadcastState.CANCELLED, finished_at=utcnow())
    )
    await session.commit()
    return cancelled.rowcount == 1


async def waiting_recipients(session: AsyncSession, *, broadcast_id: int) -> list[Recipient]:
    """The recipients still without an outcome. On PostgreSQL their rows are read FOR UPDATE
    SKIP LOCKED (a no-op on SQLite): a second sender reading at the same moment gets the
    others. The lock ends with the caller's transaction; one worker sends (services/notices)."""
    rows = await session.exec(
        select(BroadcastDelivery.volunteer_id, Volunteer.telegram_id)
        .join(Volunteer, col(Volunteer.id) == col(BroadcastDelivery.volunteer_id))
        .where(
            col(BroadcastDelivery.broadcast_id) == broadcast_id,
            col(BroadcastDelivery.outcome).is_(None),
        )
        .order_by(col(BroadcastDelivery.id))
        .with_for_update(skip_locked=True, of=BroadcastDelivery)
    )
    return [Recipient(volunteer_id, telegram_id) for volunteer_id, telegram_id in rows.all()]


async def record_outcome(
    session: AsyncSession, *, broadcast_id: int, volunteer_id: int, outcome: BroadcastOutcome
) -> None:
    # The first outcome written stands: a copy sent twice is still one delivery in the counts.
    await session.exec(
        update(BroadcastDelivery)
        .where(
            col(BroadcastDelivery.broadcast_id) == broadcast_id,
            col(BroadcastDelivery.volunteer_id) == volunteer_id,
            col(BroadcastDelivery.outcome).is_(None),
        )
        .values(outcome=outcome, done_at=utcnow())
    )
    if outcome is BroadcastOutcome.UNAVAILABLE:
        await volunteers.mark_unreachable(session, volunteer_id=volunteer_id, commit=False)
    await session.commit()


async def counts(session: AsyncSession, *, broadcast_id: int) -> BroadcastCounts:
    rows = await session.exec(
        select(BroadcastDelivery.outcome, func.count())
        .where(col(BroadcastDelivery.broadcast_id) == broadcast_id)
        .group_by(col(BroadcastDelivery.outcome))
    )
    by_outcome = dict(rows.all())
    return BroadcastCounts(
        total=sum(by_outcome.values()),
        sent=by_outcome.get(BroadcastOutcome.SENT, 0),
        unavailable=by_outcome.get(BroadcastOutcome.UNAVAILABLE, 0),
        failed=by_outcome.get(BroadcastOutcome.FAILED, 0),
    )


async def finish(session: AsyncSession, *, broadcast_id: int) -> BroadcastCounts:
    """SENDING → FINISHED once nobody waits; the counts come from the delivery rows."""
    result = await counts(session, broadcast_id=broadcast_id)
    if result.waiting == 0:
        await session.exec(
            update(Broadcast)
            .where(
                col(Broadcast.id) == broadcast_id, col(Broadcast.state) == BroadcastState.SENDING
            )
            .values(state=BroadcastState.FINISHED, finished_at=utcnow())
        )
        await session.commit()
    return result


async def unfinished(session: AsyncSession) -> list[Broadcast]:
    """Broadcasts a stopped process left half-sent: the next start resumes them."""
    rows = await session.exec(
        select(Broadcast)
        .where(col(Broadcast.state) == BroadcastState.SENDING)
        .order_by(col(Broadcast.id))
    )
    return list(rows.all())
