"""Administrators grant and revoke moderators; moderators ban; everyone else is refused."""

from aiogram.methods import AnswerCallbackQuery, DeleteMyCommands, SetMyCommands
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import ReportStatus, Role
from models.report import Report
from models.volunteer import Volunteer
from services import roles
from tests.support.accounts import ADMIN_ID
from tests.support.client import BotClient, find_button, text, texts
from tests.support.tally_world import make_volunteer
from tests.support.telegram_ids import realistic, tg_id
from tests.support.triage_helpers import (
    admin,
    alerts,
    audit,
    make_moderator,
    report_link,
    report_row,
)


async def _volunteer(db: AsyncSession, telegram_id: int) -> Volunteer:
    db.expire_all()
    return (
        await db.exec(select(Volunteer).where(Volunteer.telegram_id == realistic(telegram_id)))
    ).one()


async def test_admin_grants_and_revokes_by_id_and_username(
    client: BotClient, db: AsyncSession
) -> None:
    admin = client.as_user(ADMIN_ID, language_code="en")
    await client.as_user(5001, username="Helper_Nurlan").send("/start")
    granted = await admin.send("/grant @helper_nurlan")
    assert "now a moderator" in text(granted, ADMIN_ID)
    [menu] = [r for r in granted if isinstance(r, SetMyCommands)]
    assert menu.scope.chat_id == tg_id(5001)  # type: ignore[union-attr]
    assert "queue" in {c.command for c in menu.commands}
    assert (await _volunteer(db, 5001)).role == Role.MODERATOR

    assert "already a moderator" in text(await admin.send(f"/grant {tg_id(5001)}"))
    revoked = await admin.send(f"/revoke {tg_id(5001)}")
    assert "no longer a moderator" in text(revoked)
    assert any(isinstance(r, DeleteMyCommands) for r in revoked)
    assert (await _volunteer(db, 5001)).role == Role.VOLUNTEER


async def test_grant_needs_a_known_person(client: BotClient) -> None:
    admin = client.as_user(ADMIN_ID, language_code="en")
    assert "must write to the bot first" in text(await admin.send("/grant @nobody_here"))
    assert "id or @username" in text(await admin.send("/grant"))


async def test_volunteers_and_moderators_cannot_grant(client: BotClient, db: AsyncSession) -> None:
    await client.as_user(5002).send("/start")
    volunteer = client.as_user(5003, language_code="en")
    assert (
        text(await volunteer.send(f"/grant {tg_id(5002)}"))
        == "This command is for moderators only."
    )
    await client.as_user(ADMIN_ID).send(f"/grant {tg_id(5003)}")
    # A moderator is not an administrator: /grant stays refused.
    assert "moderators only" in text(await volunteer.send(f"/grant {tg_id(5002)}"))
    assert (await _volunteer(db, 5002)).role == Role.VOLUNTEER


async def test_revoked_moderator_loses_access_at_once(client: BotClient) -> None:
    moderator = client.as_user(5004, language_code="en")
    await moderator.send("/start")
    await client.as_user(ADMIN_ID).send(f"/grant {tg_id(5004)}")
    await client.as_user(5005).send("/start")
    assert "is banned" in text(await moderator.send(f"/ban {tg_id(5005)} spam"))
    await client.as_user(ADMIN_ID).send(f"/revoke {tg_id(5004)}")
    assert "moderators only" in text(await moderator.send(f"/unban {tg_id(5005)}"))


async def test_banned_volunteer_is_refused_and_nothing_is_stored(
    client: BotClient, db: AsyncSession
) -> None:
    volunteer = client.as_user(5006, language_code="en")
    await volunteer.send("t.me/before_ban_shop")
    [menu] = await volunteer.send("/lang")  # its buttons stay on screen after the ban
    await client.as_user(ADMIN_ID).send(f"/ban {tg_id(5006)} flooding")
    banned = await _volunteer(db, 5006)
    assert banned.banned_at is not None
    assert banned.ban_reason == "flooding"

    reply = text(await volunteer.send("t.me/after_ban_shop"))
    assert "not accepted" in reply
    keys = {r.canonical_key for r in (await db.exec(select(Report))).all()}
    assert keys == {"tg:before_ban_shop"}  # the open report stays

    pressed = await volunteer.press([menu], "English")
    assert any(isinstance(r, AnswerCallbackQuery) and r.show_alert for r in pressed)

    await client.as_user(ADMIN_ID).send(f"/unban {tg_id(5006)}")
    assert "#" in text(await volunteer.send("t.me/after_ban_shop"))


STAFF_REFUSAL = "Moderators cannot be banned; revoke the role first."


async def test_moderators_cannot_be_banned(client: BotClient, db: AsyncSession) -> None:
    await client.as_user(5007).send("/start")
    await client.as_user(ADMIN_ID).send(f"/grant {tg_id(5007)}")
    reply = text(await client.as_user(ADMIN_ID, language_code="en").send(f"/ban {tg_id(5007)}"))
    assert reply == STAFF_REFUSAL
    assert (await _volunteer(db, 5007)).banned_at is None


async def test_a_moderator_cannot_ban_another_moderator_or_an_administrator(
    client: BotClient, db: AsyncSession
) -> None:
    moderator = await make_moderator(client, 5023)
    await make_moderator(client, 5024)
    assert text(await moderator.send(f"/ban {tg_id(5024)} spam")) == STAFF_REFUSAL
    assert text(await moderator.send(f"/ban {ADMIN_ID} spam")) == STAFF_REFUSAL
    db.expire_all()
    staff = (await db.exec(select(Volunteer).where(col(Volunteer.telegram_id).in_(
        [tg_id(5024), ADMIN_ID])))).all()  # fmt: skip
    assert len(staff) == 2
    assert all(row.banned_at is None for row in staff)


async def test_forged_staff_button_is_refused(client: BotClient, db: AsyncSession) -> None:
    report_id = await report_link(client, 5011, "t.me/forged_button_shop")
    moderator = await make_moderator(client, 5012)
    card = await moderator.send("/queue")
    categories = await moderator.press(card, "Accept")
    # A moderator's real button (tq:c:<id>:…), replayed by a volunteer.
    shown, accept = find_button(categories, "drug sales")
    volunteer = client.as_user(5008, language_code="en")
    pressed = await volunteer.forge_press(accept, message_id=moderator.message_id_of(shown))
    assert alerts(pressed) == ["This button is not available to you."]
    assert texts(pressed) == []
    assert (await report_row(db, report_id)).status == ReportStatus.NEW
    assert await audit(db, report_id) == []

    # The same data from the moderator does accept: the refusal came from the role alone.
    await moderator.press(categories, "drug sales")
    assert (await report_row(db, report_id)).status == ReportStatus.ACCEPTED


async def test_unknown_command_gets_a_hint(client: BotClient) -> None:
    reply = text(await client.as_user(5009, language_code="en").send("/frobnicate"))
    assert "/help" in reply


async def test_writing_again_makes_an_unreachable_volunteer_reachable(
    client: BotClient, db: AsyncSession
) -> None:
    await client.as_user(5010).send("/start")
    volunteer = await _volunteer(db, 5010)
    volunteer.is_reachable = False  # as the paced sender marks someone who blocked the bot
    db.add(volunteer)
    await db.commit()
    await client.as_user(5010).send("/help")
    assert (await _volunteer(db, 5010)).is_reachable is True


async def test_a_username_taken_over_by_someone_else_leaves_the_old_owner(
    client: BotClient, db: AsyncSession
) -> None:
    await client.as_user(5020, username="Shared_Name").send("/start")
    await client.as_user(5021, username="shared_name").send("/start")  # the name changed hands
    assert (await _volunteer(db, 5020)).username is None
    admin = client.as_user(ADMIN_ID, language_code="en")
    reply = text(await admin.send("/grant @shared_name"), ADMIN_ID)
    assert "5021" in reply
    assert "now a moderator" in reply
    assert (await _volunteer(db, 5020)).role == Role.VOLUNTEER


async def test_a_banned_person_is_not_made_a_moderator(
    client: BotClient, db: AsyncSession
) -> None:
    await client.as_user(5022).send("/start")
    admin = client.as_user(ADMIN_ID, language_code="en")
    await admin.send(f"/ban {tg_id(5022)}")
    refusal = text(await admin.send(f"/grant {tg_id(5022)}"), ADMIN_ID)
    assert refusal == f"{tg_id(5022)} is banned: lift the ban first."
    assert (await _volunteer(db, 5022)).role == Role.VOLUNTEER


async def test_role_commands_escape_what_was_typed(client: BotClient) -> None:
    """The unknown-person answer echoed the typed reference into HTML: `/ban <id>` (as the
    menu writes it) made Telegram refuse the answer."""
    for command in ("/ban <id>", "/grant <b>x"):
        reply = text(await admin(client).send(command))
        assert "&lt;" in reply
        assert "<id>" not in reply
        assert "<b>" not in reply


async def test_stale_username_is_not_guessed(client: BotClient, db: AsyncSession) -> None:
    """Two rows may carry one username (rows saved before registration began to release a name
    taken over by someone else): /grant must not pick one of them at random."""
    db.add(Volunteer(telegram_id=tg_id(6001), username="Shared_Name"))
    db.add(Volunteer(telegram_id=tg_id(6002), username="shared_name"))
    await db.commit()
    reply = text(await admin(client).send("/grant @shared_name"), ADMIN_ID)
    assert "numeric id" in reply
    roles = (await db.exec(select(Volunteer.role).where(Volunteer.telegram_id > 6000))).all()
    assert set(roles) == {Role.VOLUNTEER}
    reply = text(await admin(client).send("/ban @shared_name"))
    assert "numeric id" in reply
    banned = await db.exec(select(Volunteer.banned_at).where(Volunteer.telegram_id > 6000))
    assert set(banned.all()) == {None}
    assert "now a moderator" in text(await admin(client).send(f"/grant {tg_id(6002)}"), ADMIN_ID)


async def _stale_row(session_maker: async_sessionmaker[AsyncSession], user_id: int) -> Volunteer:
    """A row loaded before someone else changes it, as in a /grant racing a /ban."""
    async with session_maker() as session:
        row = await make_volunteer(session, user_id)
        await session.commit()
    return row


async def test_a_grant_reads_a_ban_made_after_the_row_was_loaded(
    session_maker: async_sessionmaker[AsyncSession],
) -> None:
    stale = await _stale_row(session_maker, 5025)
    async with session_maker() as other:
        fresh = await _volunteer(other, 5025)
        await roles.ban(other, volunteer=fresh, reason=None, admin_ids=())
    async with session_maker() as session:
        session.add(stale)
        change = await roles.set_role(session, volunteer=stale, role=Role.MODERATOR)
    assert change.refused is roles.Refusal.BANNED
    assert not change.changed
    async with session_maker() as session:
        assert (await _volunteer(session, 5025)).role == Role.VOLUNTEER


async def test_a_ban_reads_a_grant_made_after_the_row_was_loaded(
    session_maker: async_sessionmaker[AsyncSession],
) -> None:
    stale = await _stale_row(session_maker, 5026)
    async with session_maker() as other:
        fresh = await _volunteer(other, 5026)
        await roles.set_role(other, volunteer=fresh, role=Role.MODERATOR)
    async with session_maker() as session:
        session.add(stale)
        change = await roles.ban(session, volunteer=stale, reason="spam", admin_ids=())
    assert change.refused is roles.Refusal.STAFF
    assert not change.changed
    async with session_maker() as session:
        assert (await _volunteer(session, 5026)).banned_at is None
