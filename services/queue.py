"""The triage queue: which `new` report a moderator sees next, and who holds which card.

A card is held ("claimed") by one moderator for a few minutes so that two moderators never judge
the same report at once. The claim is taken with one conditional UPDATE whose row count says who
won, so the database, not the bot process, settles races. Every function takes `now` so that
expiry is testable without sleeping.
"""

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import ReportStatus, SeniorChoice
from models.report import Report
from services.clock import utcnow
from services.lifecycle import valid_id

# Candidates read per round; a lost race moves on to the next one without a new query.
_CANDIDATES = 20
# Reports two senior volunteers called drug-related come first (services/senior_votes.py); the
# flag is a column of the row, so the order stays one query over the `status` index.
_SENIORS_FIRST = case((col(Report.seniors_say) == SeniorChoice.DRUGS, 0), else_=1)


def _free_for(moderator_id: int, now: datetime) -> Any:
    return or_(
        col(Report.claimed_until).is_(None),
        col(Report.claimed_until) < now,
        col(Report.claimed_by_id) == moderator_id,
    )


async def claim_next(
    session: AsyncSession,
    *,
    moderator_id: int,
    claim_minutes: int,
    skip: Collection[int] = (),
    now: datetime | None = None,
) -> Report | None:
    """Claim the oldest `new` report nobody else holds, those the seniors called drug-related
    first; None when there is none.

    The moderator's previous claims are released in the same transaction: one moderator holds
    at most one card, so a card left on an old screen returns to the pool at once.
    """
    now = now or utcnow()
    until = now + timedelta(minutes=claim_minutes)
    while True:
        statement = (
            select(Report.id)
            .where(Report.status == ReportStatus.NEW, _free_for(moderator_id, now))
            .order_by(_SENIORS_FIRST, col(Report.created_at), col(Report.id))
            .limit(_CANDIDATES)
        )
        skipped = [i for i in skip if valid_id(i)]
        if skipped:
            statement = statement.where(col(Report.id).not_in(skipped))
        candidates = [rid for rid in (await session.exec(statement)).all() if rid is not None]
        if not candidates:
            await session.rollback()
            return None
        for report_id in candidates:
            if await _try_claim(session, report_id, moderator_id, now, until):
                return await session.get(Report, report_id, populate_existing=True)


async def _try_claim(
    session: AsyncSession, report_id: int, moderator_id: int, now: datetime, until: datetime
) -> bool:
    won = await session.exec(
        update(Report)
        .where(
            col(Report.id) == report_id,
            col(Report.status) == ReportStatus.NEW,
            _free_for(moderator_id, now),
        )
        .values(claimed_by_id=moderator_id, claimed_until=until)
    )
    if won.rowcount != 1:
        # Another moderator took it between our read and our write: try the next candidate.
        await session.rollback()
        return False
    await session.exec(
        update(Report)
        .where(col(Report.claimed_by_id) == moderator_id, col(Report.id) != report_id)
        .values(claimed_by_id=None, claimed_until=None)
    )
    await session.commit()
    return True


async def release(session: AsyncSession, *, report_id: int, moderator_id: int) -> None:
    """Give a card back to the pool; only the moderator who holds it can."""
    if not valid_id(report_id):
        return
    await session.exec(
        update(Report)
        .where(col(Report.id) == report_id, col(Report.claimed_by_id) == moderator_id)
        .values(claimed_by_id=None, claimed_until=None)
    )
    await session.commit()


async def held_by_other(
    session: AsyncSession, *, report_id: int, moderator_id: int, now: datetime | None = None
) -> bool:
    """True while another moderator's claim on this report is still running."""
    now = now or utcnow()
    if not valid_id(report_id):
        return False
    row = await session.exec(
        select(Report.claimed_by_id, Report.claimed_until).where(Report.id == report_id)
    )
    found = row.first()
    if found is None:
        return False
    holder, until = found
    return holder is not None and holder != moderator_id and until is not None and until >= now
