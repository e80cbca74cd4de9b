"""Two seniors voting on one report at the same moment both count: the vote locks the report
row, so the second vote's transaction sees the first and makes the seniors' call.

PostgreSQL only: SQLite has one writer at a time and no row locks.
Runs when TEST_DATABASE_URL points at PostgreSQL (bash .ci/run sets it).
"""

import asyncio
import os
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import saved_id
from models.enums import Role, SeniorChoice
from models.report import Report
from services import senior_votes
from services.senior_agreement import SeniorRule
from services.senior_votes import VoteResult
from tests.support.tally_world import make_volunteer, send_links

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="TEST_DATABASE_URL does not point at PostgreSQL",
)


async def test_two_votes_at_once_make_the_call(
    session_maker: async_sessionmaker[AsyncSession],
    db: AsyncSession,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    finder = await make_volunteer(db, 8101)
    [report_id] = await send_links(db, finder, "t.me/race_vote_shop")
    seniors = [await make_volunteer(db, 8102 + n) for n in range(2)]
    for senior in seniors:
        senior.role = Role.SENIOR
        db.add(senior)
    await db.commit()
    first_id, second_id = (saved_id(senior) for senior in seniors)

    # The first vote stops after its insert, before it counts, until the second vote has
    # either finished (no lock: it never saw the first vote) or waits for the report's lock.
    first_counting, go_on = asyncio.Event(), asyncio.Event()
    counting = senior_votes.counting

    async def held_counting(session: AsyncSession, ids: Any, rule: SeniorRule) -> set[int]:
        if first_id in ids and not first_counting.is_set():
            first_counting.set()
            await go_on.wait()
        return await counting(session, ids, rule)

    monkeypatch.setattr(senior_votes, "counting", held_counting)

    async def one_vote(senior_id: int) -> VoteResult:
        async with session_maker() as session:
            return await senior_votes.cast_vote(
                session,
                senior_id=senior_id,
                report_id=report_id,
                choice=SeniorChoice.DRUGS,
                rule=SeniorRule(),
            )

    async def waits_for_a_lock() -> bool:
        async with session_maker() as watcher:
            connection = await watcher.connection()
            found = await connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
            )
            return bool(found.scalar_one())

    first = asyncio.create_task(one_vote(first_id))
    await asyncio.wait_for(first_counting.wait(), 10)
    second = asyncio.create_task(one_vote(second_id))

    async def second_done_or_blocked() -> None:
        while not second.done() and not await waits_for_a_lock():
            pass

    await asyncio.wait_for(second_done_or_blocked(), 10)
    go_on.set()
    results = await asyncio.wait_for(asyncio.gather(first, second), 10)
    assert results == [VoteResult.SAVED, VoteResult.SAVED]
    db.expire_all()
    report = await db.get(Report, report_id)
    assert report is not None
    assert report.seniors_say is SeniorChoice.DRUGS
