"""Two claimers of the outbox at once take disjoint rows (FOR UPDATE SKIP LOCKED).

The claims need PostgreSQL: SQLite has one writer and no row locks, and there the clause is
left out. They run when TEST_DATABASE_URL points at PostgreSQL (bash .ci/run sets it).
"""

import asyncio
import os

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import saved_id
from models.enums import BroadcastOutcome, NoticeEvent
from models.moderation import Notice
from models.volunteer import Volunteer
from services import broadcast, notices
from tests.support.report_setup import wall_report
from tests.support.telegram_ids import tg_id

postgres_only = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="TEST_DATABASE_URL does not point at PostgreSQL",
)
# A claimer that waited for the other's lock instead of skipping would hang: fail instead.
NO_WAITING = 10.0


async def five_volunteers_with_notices(db: AsyncSession) -> set[int]:
    wall = await wall_report(db, 1500)
    people = [Volunteer(telegram_id=tg_id(1501 + n)) for n in range(5)]
    db.add_all(people)
    await db.flush()
    for person in people:
        for event in (NoticeEvent.ACCEPTED, NoticeEvent.BLOCKED):
            db.add(Notice(volunteer_id=saved_id(person), report_id=wall, event=event))
    await db.commit()
    ids = (await db.exec(select(Notice.id).where(col(Notice.done_at).is_(None)))).all()
    return {row_id for row_id in ids if row_id is not None}


@postgres_only
async def test_two_claimers_at_once_get_disjoint_rows(
    session_maker: async_sessionmaker[AsyncSession], db: AsyncSession
) -> None:
    everything = await five_volunteers_with_notices(db)
    async with session_maker() as first, session_maker() as second:
        mine = await notices.claim_pending(first, max_volunteers=2)
        # While the first claim's transaction is open, a second claimer takes the rest.
        theirs = await asyncio.wait_for(notices.claim_pending(second), NO_WAITING)
        taken_first = {saved_id(row) for row in mine}
        taken_second = {saved_id(row) for row in theirs}
        assert len(taken_first) == 4  # two volunteers, two notices each
        assert taken_first.isdisjoint(taken_second)
        assert taken_first | taken_second == everything
        first_people = {row.volunteer_id for row in mine}
        assert first_people.isdisjoint(row.volunteer_id for row in theirs)
        # Nothing is left for a third claimer while both hold their rows.
        async with session_maker() as third:
            assert await asyncio.wait_for(notices.claim_pending(third), NO_WAITING) == []
        # The first gives its rows back unsent: a drain pass gets exactly those, one message
        # per volunteer, while the second still holds the others.
        await first.rollback()
        async with session_maker() as later:
            again = await asyncio.wait_for(notices.take_pending(later), NO_WAITING)
        assert {item.volunteer_id for item in again.to_send} == first_people
        assert {i for item in again.to_send for i in item.notice_ids} == taken_first


async def started_broadcast(db: AsyncSession) -> tuple[int, set[int]]:
    people = [Volunteer(telegram_id=tg_id(1601 + n)) for n in range(4)]
    db.add_all(people)
    await db.commit()
    made, _ = await broadcast.prepare(
        db,
        created_by_id=saved_id(people[0]),
        chat_id=tg_id(1601),
        request_message_id=1,
        text="Hello",
        language=None,
    )
    counts = await broadcast.start(db, broadcast_id=saved_id(made))
    assert counts is not None
    assert counts.total == 4
    return saved_id(made), {saved_id(person) for person in people}


@postgres_only
async def test_a_second_broadcast_sender_skips_the_rows_the_first_reads(
    session_maker: async_sessionmaker[AsyncSession], db: AsyncSession
) -> None:
    broadcast_id, everyone = await started_broadcast(db)
    async with session_maker() as first, session_maker() as second:
        mine = await broadcast.waiting_recipients(first, broadcast_id=broadcast_id)
        theirs = await asyncio.wait_for(
            broadcast.waiting_recipients(second, broadcast_id=broadcast_id), NO_WAITING
        )
        assert {r.volunteer_id for r in mine} == everyone
        assert theirs == []
        await first.rollback()
        again = await broadcast.waiting_recipients(second, broadcast_id=broadcast_id)
        assert {r.volunteer_id for r in again} == everyone


async def test_a_broadcast_delivery_keeps_its_first_outcome(db: AsyncSession) -> None:
    """A copy sent twice (two senders by mistake) is one delivery in the final count."""
    broadcast_id, everyone = await started_broadcast(db)
    someone = min(everyone)
    for outcome in (BroadcastOutcome.SENT, BroadcastOutcome.FAILED):
        await broadcast.record_outcome(
            db, broadcast_id=broadcast_id, volunteer_id=someone, outcome=outcome
        )
    counts = await broadcast.counts(db, broadcast_id=broadcast_id)
    assert (counts.sent, counts.failed, counts.waiting) == (1, 0, 3)
