"""Two claimers of the notice outbox at once take disjoint rows (FOR UPDATE SKIP LOCKED).

PostgreSQL only: SQLite has one writer and no row locks, and there the clause is left out.
Runs when TEST_DATABASE_URL points at PostgreSQL (bash .ci/run sets it).
"""

import asyncio
import os

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import saved_id
from models.enums import NoticeEvent
from models.moderation import Notice
from models.volunteer import Volunteer
from services import notices
from tests.support.report_setup import wall_report
from tests.support.telegram_ids import tg_id

pytestmark = pytest.mark.skipif(
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
