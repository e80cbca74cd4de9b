"""Squads: created by administrators, joined by code or deep link, one at a time, curated."""

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import saved_id
from models.squads import Squad, SquadMember
from models.volunteer import Volunteer
from services import squads
from tests.support.accounts import ADMIN_ID
from tests.support.client import BotClient, text, texts
from tests.support.tally_world import (
    make_volunteer,
)
from tests.support.telegram_ids import tg_id


async def _create(client: BotClient, name: str) -> str:
    admin = client.as_user(ADMIN_ID, language_code="en")
    await admin.send("/start")
    reply = texts(await admin.send(f"/squad_add {name}"))[0]
    assert "created" in reply
    assert "?start=squad_" in reply
    return reply.split("<code>")[1].split("</code>")[0]


async def test_admin_creates_and_volunteers_join(client: BotClient, db: AsyncSession) -> None:
    code = await _create(client, "KazNU Law")
    other = await _create(client, "Satbayev")
    student = client.as_user(2001, language_code="en")
    assert "joined" in texts(await student.send(f"/squad {code.lower()}"))[0]
    assert "already" in texts(await student.send(f"/squad {code}"))[0]
    assert "moved" in texts(await student.send(f"/start squad_{other}"))[0]
    assert "no squad with this code" in texts(await student.send("/squad NOPE99"))[0]
    memberships = (await db.exec(select(SquadMember))).all()
    assert len(memberships) == 1  # one squad per volunteer
    squad = await db.get(Squad, memberships[0].squad_id)
    assert squad is not None
    assert squad.name == "Satbayev"
    assert "Satbayev" in texts(await student.send("/squad"))[0]
    assert "left" in texts(await student.send("/squad leave"))[0]


async def test_only_admins_create_squads(client: BotClient, db: AsyncSession) -> None:
    volunteer = client.as_user(2002, language_code="en")
    assert texts(await volunteer.send("/squad_add Mine")) == [
        "This command is for moderators only."
    ]
    moderator = client.as_user(2003, language_code="en")
    await moderator.send("/start")
    await client.as_user(ADMIN_ID).send("/start")
    await client.as_user(ADMIN_ID).send(f"/grant {tg_id(2003)}")
    refused = texts(await moderator.send("/squad_add Mine"))
    assert refused == ["This command is for administrators only."]
    assert (await db.exec(select(Squad))).all() == []


async def test_curator_sees_statistics_without_identities(
    client: BotClient, db: AsyncSession
) -> None:
    code = await _create(client, "College 5")
    member = client.as_user(2010, first_name="Hiddenname", username="hidden_member",
                            language_code="en")  # fmt: skip
    await member.send(f"/squad {code}")
    await member.send("t.me/college_found_shop")
    curator = client.as_user(2011, language_code="en")
    await curator.send("/start")
    admin = client.as_user(ADMIN_ID, language_code="en")
    reply = await admin.send(f"/squad_curator {code} {tg_id(2011)}")
    assert "now curates" in text(reply, ADMIN_ID)
    shown = texts(await curator.send("/squad"))
    stats = shown[-1]
    assert "College 5" in stats
    assert "Members: 1" in stats
    assert "Links: 1" in stats
    for secret in ("Hiddenname", "hidden_member", str(tg_id(2010))):
        assert secret not in stats
    person = (await db.exec(select(Volunteer).where(Volunteer.telegram_id == tg_id(2010)))).one()
    assert person.public_consent is False


async def test_squad_names_are_unique_whatever_the_case_in_any_alphabet(db: AsyncSession) -> None:
    admin = await make_volunteer(db, 1)
    first = await squads.create_squad(db, name="КазНУ Юрфак", created_by_id=saved_id(admin))
    assert first is not None
    assert await squads.create_squad(db, name="КазНУ Юрфак", created_by_id=saved_id(admin)) is None
    assert (
        await squads.create_squad(db, name="казну  юрфак", created_by_id=saved_id(admin)) is None
    )
    assert len((await db.exec(select(Squad))).all()) == 1


async def test_squad_curator_echoes_an_unknown_name_escaped(client: BotClient) -> None:
    admin = client.as_user(ADMIN_ID, language_code="en")
    await admin.send("/start")
    answer = texts(await admin.send("/squad_curator ABCDEF <b>x"))
    # No squad ABCDEF: the code is checked first.
    assert answer == ["There is no squad with this code. Check it with your curator."]
    created = texts(await admin.send("/squad_add Review Squad"))
    code = created[0].split("<code>")[1].split("</code>")[0]
    answer = texts(await admin.send(f"/squad_curator {code} <b>x"))
    assert answer == ["I do not know &lt;b&gt;x: they must write to the bot first."]
