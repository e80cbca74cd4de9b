"""Link intake's statements (models/intake_sql.py, run by models/prepared.py): merges followed,
evidence kept once, two volunteers racing on one new link, and the same answers when the
statements go through SQLAlchemy one by one (PostgreSQL's way, and SQLite's fallback)."""

import asyncio

import pytest
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

import models.prepared
from models.report import Evidence, Report, Sighting
from tests.support.client import BotClient, numbers, text
from tests.support.report_setup import count
from tests.support.triage_helpers import make_moderator, report_link


@pytest.fixture(params=["one trip", "statement by statement"])
def trips(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "statement by statement":
        monkeypatch.setattr(models.prepared, "driver_thread", lambda _driver: None)
    return str(request.param)


@pytest.mark.usefixtures("trips")
async def test_a_merged_targets_link_joins_the_survivor(
    client: BotClient, db: AsyncSession
) -> None:
    survivor = await report_link(client, 5201, "t.me/survivor_shop")
    merged = await report_link(client, 5202, "t.me/merged_shop")
    moderator = await make_moderator(client, 5203)
    await moderator.send(f"/merge {merged} into {survivor}")
    reply = text(await client.as_user(5204, language_code="en").send("t.me/merged_shop"))
    assert reply.startswith(f"#{survivor} — already reported")
    assert "t.me/survivor_shop" in reply
    reporters = (await db.exec(select(Sighting).where(Sighting.report_id == survivor))).all()
    assert len(reporters) == 3
    again = text(await client.as_user(5204, language_code="en").send("t.me/survivor_shop"))
    assert again.startswith(f"#{survivor} — you already sent this")


@pytest.mark.usefixtures("trips")
async def test_posts_of_one_channel_are_one_report_with_each_post_as_evidence(
    client: BotClient, db: AsyncSession
) -> None:
    volunteer = client.as_user(5205, language_code="en")
    reply = text(await volunteer.send("t.me/evidence_shop/1 t.me/evidence_shop/2"))
    [first, second] = [numbers(line)[0] for line in reply.splitlines()[::2]]
    assert first == second
    assert "new report" in reply.splitlines()[0]
    await volunteer.send("t.me/evidence_shop/2")
    urls = sorted(e.url for e in (await db.exec(select(Evidence))).all())
    assert urls == ["https://t.me/evidence_shop/1", "https://t.me/evidence_shop/2"]
    assert await count(db, Sighting) == 1


@pytest.mark.usefixtures("trips")
async def test_two_volunteers_racing_on_one_new_link_make_one_report(
    client: BotClient, db: AsyncSession
) -> None:
    first, second = (
        client.as_user(5206, language_code="en"),
        client.as_user(5207, language_code="en"),
    )
    await first.send("/start")
    await second.send("/start")
    replies = await asyncio.gather(first.send("t.me/racing_shop"), second.send("t.me/racing_shop"))
    # Both sends saw both answers (one recording session): each volunteer's is in their chat.
    said = sorted(
        text(replies[0], first.user_id).splitlines()
        + text(replies[1], second.user_id).splitlines()
    )
    assert len({numbers(line)[0] for line in said if line.startswith("#")}) == 1
    assert any("already reported" in line for line in said)
    assert any("new report" in line for line in said)
    assert await count(db, Report) == 1
    assert await count(db, Sighting) == 2
