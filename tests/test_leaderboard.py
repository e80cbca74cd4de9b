"""Leaderboards never show a volunteer who did not opt in: no name, username or id."""

import pytest
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import saved_id
from models.enums import ReportStatus
from models.report import Report
from models.volunteer import Volunteer
from services import privacy, squads
from services.leaderboard import overview
from services.privacy import NicknameProblem
from services.tallies import PointWeights
from tests.support.client import BotClient, text
from tests.support.fake_clock import FrozenClock
from tests.support.tally_world import almaty, fixture_weeks, make_volunteer, move
from tests.support.telegram_ids import tg_id


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    return FrozenClock(monkeypatch, almaty(11, 1))


def secrets_of(people: dict[str, Volunteer]) -> list[str]:
    return [
        s
        for p in people.values()
        for s in (p.first_name, p.username or "", str(p.telegram_id))
        if s
    ]


async def test_overview_names_only_consenting_volunteers(
    db: AsyncSession, clock: FrozenClock
) -> None:
    people = await fixture_weeks(db, clock)
    assert (
        await privacy.show_as(db, volunteer_id=saved_id(people["b"]), nickname="Night Owl") is None
    )
    squad = await squads.create_squad(db, name="KazNU", created_by_id=saved_id(people["mod"]))
    assert squad is not None
    for name in ("b", "c"):
        await squads.join(db, volunteer_id=saved_id(people[name]), code=squad.code)
    view = await overview(
        db, weights=PointWeights(), since=almaty(11, 16, 0), until=almaty(11, 23, 0),
        viewer_id=saved_id(people["c"]),
    )  # fmt: skip
    assert [(r.rank, r.points, r.name, r.is_you) for r in view.week.rows] == [
        (1, 16, None, False),
        (2, 11, "Night Owl", False),
        (3, 1, None, True),
    ]
    assert [(r.name, r.points, r.members) for r in view.squads_week] == [("KazNU", 12, 2)]
    assert view.squad_week is not None
    assert len(view.squad_week.rows) == 2
    assert view.all_time.your_rank == 4


async def test_top_shows_volunteer_for_everyone_without_consent(
    client: BotClient, db: AsyncSession
) -> None:
    mod = await make_volunteer(db, 77, "Modest")
    finder = client.as_user(5001, first_name="Secretname", username="secret_user",
                            language_code="en")  # fmt: skip
    await finder.send("t.me/hidden_finder_shop")
    other = client.as_user(5002, first_name="Openname", language_code="en")
    await other.send("t.me/open_finder_shop")
    reports = [saved_id(r) for r in (await db.exec(select(Report))).all()]
    await move(db, reports, ReportStatus.ACCEPTED, mod)
    assert "Sky Walker" in text(await other.send("/privacy Sky Walker"))
    top = text(await other.send("/top"))
    assert "Sky Walker" in top
    assert "Volunteer" in top
    for secret in ("Secretname", "secret_user", "5001", "Openname"):
        assert secret not in top
    hidden = await other.press(await other.send("/privacy"), "Hide me")
    assert hidden
    top = text(await other.send("/top"))
    assert "Sky Walker" not in top


async def test_nickname_rules(db: AsyncSession) -> None:
    person = await make_volunteer(db, 42, "Aigerim", "aigerim_k")
    assert privacy.check_nickname(person, "ab") is NicknameProblem.LENGTH
    assert privacy.check_nickname(person, "@shop") is NicknameProblem.CHARACTERS
    assert privacy.check_nickname(person, "t.me/x") is NicknameProblem.CHARACTERS
    assert privacy.check_nickname(person, "aigerim") is NicknameProblem.OWN_NAME
    assert privacy.check_nickname(person, "Aigerim_K") is NicknameProblem.OWN_NAME
    assert privacy.check_nickname(person, "Тұмар-7") is None


async def test_personal_digest_toggle(client: BotClient, db: AsyncSession) -> None:
    user = client.as_user(6001, language_code="en")
    await user.press(await user.send("/privacy"), "Turn the weekly message off")
    person = (await db.exec(select(Volunteer).where(Volunteer.telegram_id == tg_id(6001)))).one()
    assert person.personal_digest_enabled is False
