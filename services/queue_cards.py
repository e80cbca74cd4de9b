"""The queue's use cases: the next card for a moderator, and whether a card may still be judged.

Handlers render what these return; the claim rules themselves live in services.queue. The role
was checked before (the staff router re-reads it for every update).
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import saved_id
from models.enums import ReportStatus
from services import queue
from services.graffiti.claims import count_open_claims
from services.report_view import CardView, load_card
from services.triage import Refusal, RefusalKind


@dataclass(frozen=True, slots=True)
class NextCard:
    card: CardView | None  # None: nothing is waiting
    skipped: int  # cards this moderator skipped in the round, kept out of it
    open_claims: int  # volunteers' «after» photos waiting in their own queue (when empty)


async def next_card(
    session: AsyncSession,
    *,
    moderator_id: int,
    claim_minutes: int,
    skip: Collection[int] = (),
    now: datetime | None = None,
) -> NextCard:
    """Claim the next `new` report for the moderator and load its card."""
    report = await queue.claim_next(
        session, moderator_id=moderator_id, claim_minutes=claim_minutes, skip=skip, now=now
    )
    card = await load_card(session, saved_id(report)) if report is not None else None
    if card is not None:
        return NextCard(card, skipped=len(skip), open_claims=0)
    return NextCard(None, skipped=len(skip), open_claims=await count_open_claims(session))


async def check_open(
    session: AsyncSession, *, report_id: int, moderator_id: int, now: datetime | None = None
) -> Refusal | None:
    """None while the report is `new` and no other moderator holds it; else why not."""
    card = await load_card(session, report_id)
    if card is None:
        return Refusal(report_id, RefusalKind.MISSING)
    if card.status != ReportStatus.NEW:
        return Refusal(report_id, RefusalKind.WRONG_STATUS, card.status)
    if await queue.held_by_other(session, report_id=report_id, moderator_id=moderator_id, now=now):
        return Refusal(report_id, RefusalKind.HELD)
    return None
