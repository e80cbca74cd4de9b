"""Crew files and regulator batches are reserved before they are sent: two moderators asking at
once never both receive the same wall or report, and a failed send leaves nothing held."""

import asyncio
import csv
import io

import pytest
from aiogram.methods import SendDocument
from aiogram.types import BufferedInputFile
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import District, ReportStatus
from models.report import Report
from services.graffiti import crew_files
from services.graffiti.crew import CrewRow
from tests.support.client import BotClient, texts
from tests.support.graffiti_helpers import report_wall
from tests.support.report_setup import accept, make_reports, statuses
from tests.support.triage_helpers import make_moderator


def carried(client: BotClient, since: int, moderator: BotClient) -> list[str]:
    """The report numbers in the CSV files this moderator received since request `since`."""
    numbers = []
    for request in client.session.requests[since:]:
        if not isinstance(request, SendDocument) or request.chat_id != moderator.user_id:
            continue
        document = request.document
        assert isinstance(document, BufferedInputFile)
        if document.filename and document.filename.endswith(".csv"):
            rows = list(csv.reader(io.StringIO(document.data.decode("utf-8-sig"))))
            numbers += [row[1] for row in rows[1:]]
    return numbers


async def held(db: AsyncSession) -> list[int]:
    db.expire_all()
    found = await db.exec(select(Report.id).where(col(Report.claimed_by_id).is_not(None)))
    return [report_id for report_id in found.all() if report_id is not None]


async def test_two_moderators_at_once_never_get_the_same_walls(
    client: BotClient, db: AsyncSession
) -> None:
    walls = [await report_wall(client.as_user(4300 + n), 60 + n) for n in range(3)]
    await accept(db, *walls)
    staff = [await make_moderator(client, 610 + n) for n in range(2)]
    before = len(client.session.requests)
    await asyncio.gather(*(moderator.send("/graffiti_batch") for moderator in staff))
    received = [carried(client, before, moderator) for moderator in staff]
    assert sorted(received[0] + received[1]) == sorted(f"#{wall}" for wall in walls), received
    assert set(await statuses(db, walls)) == {ReportStatus.ASSIGNED}
    assert await held(db) == []


async def test_walls_another_file_carried_after_they_were_read_are_not_sent_again(
    client: BotClient, db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race made deterministic: the second moderator reads the waiting walls, then the
    first moderator's whole /graffiti_batch runs, then the second one claims what it read."""
    walls = [await report_wall(client.as_user(4320 + n), 80 + n) for n in range(2)]
    await accept(db, *walls)
    first, second = [await make_moderator(client, 640 + n) for n in range(2)]
    read_waiting = crew_files.waiting_walls
    first_done: list[str] = []

    async def read_then_let_first_finish(
        session: AsyncSession, *, district: District | None
    ) -> list[CrewRow]:
        rows = await read_waiting(session, district=district)
        monkeypatch.setattr(crew_files, "waiting_walls", read_waiting)
        before = len(client.session.requests)
        await first.send("/graffiti_batch")
        first_done.extend(carried(client, before, first))
        return rows

    monkeypatch.setattr(crew_files, "waiting_walls", read_then_let_first_finish)
    before = len(client.session.requests)
    answer = await second.send("/graffiti_batch")
    assert sorted(first_done) == sorted(f"#{wall}" for wall in walls)
    assert carried(client, before, second) == []
    assert texts(answer)[-1] == "No accepted graffiti waits for a crew."
    assert set(await statuses(db, walls)) == {ReportStatus.ASSIGNED}
    assert await held(db) == []


async def test_failed_crew_send_leaves_nothing_held(client: BotClient, db: AsyncSession) -> None:
    walls = [await report_wall(client.as_user(4310 + n), 70 + n) for n in range(2)]
    await accept(db, *walls)
    first, second = [await make_moderator(client, 620 + n) for n in range(2)]
    client.session.fail_next("SendDocument", skip=1)
    await first.send("/graffiti_batch")
    assert await held(db) == []
    assert set(await statuses(db, walls)) == {ReportStatus.ACCEPTED}
    before = len(client.session.requests)
    await second.send("/graffiti_batch")
    assert sorted(carried(client, before, second)) == sorted(f"#{wall}" for wall in walls)


async def test_two_moderators_at_once_never_get_the_same_reports(
    client: BotClient, db: AsyncSession
) -> None:
    links = [f"t.me/crew_race_shop_{n}" for n in range(4)]
    ids = await make_reports(client, db, links)
    staff = [await make_moderator(client, 630 + n) for n in range(2)]
    before = len(client.session.requests)
    await asyncio.gather(*(moderator.send("/batch") for moderator in staff))
    received = [carried(client, before, moderator) for moderator in staff]
    assert sorted(received[0] + received[1]) == sorted(f"#{i}" for i in ids), received
    assert set(await statuses(db, ids)) == {ReportStatus.SENT}
