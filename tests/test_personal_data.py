"""/mydata and /forget_me (item 3): a volunteer sees what the bot keeps and can erase it; their
sightings stay as anonymous credits of the reports and they leave every board."""

from aiogram.methods import AnswerCallbackQuery, EditMessageText
from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import saved_id
from models.enums import ReportStatus
from models.graffiti import GraffitiDraft, GraffitiDraftPhoto
from models.report import Report, Sighting
from models.squads import SquadMember
from models.volunteer import Volunteer
from tests.support.accounts import ADMIN_ID
from tests.support.client import BotClient, button_data, message_text, text, texts
from tests.support.graffiti_helpers import jpeg, send_photo, wall_image
from tests.support.tally_world import make_volunteer, move


async def volunteer_named(db: AsyncSession, first_name: str) -> Volunteer:
    db.expire_all()
    return (await db.exec(select(Volunteer).where(Volunteer.first_name == first_name))).one()


async def test_start_and_help_carry_the_privacy_note(client: BotClient) -> None:
    volunteer = client.as_user(6001, language_code="en")
    for command in ("/start", "/help"):
        shown = text(await volunteer.send(command))
        assert "/mydata" in shown, command
        assert "/forget_me" in shown, command


async def test_mydata_shows_what_is_kept(client: BotClient, db: AsyncSession) -> None:
    volunteer = client.as_user(6002, first_name="Dana", username="dana_k", language_code="en")
    await volunteer.send("t.me/mydata_shop_one and mydata-shop.kz")
    await volunteer.send("/privacy Night Owl")
    row = await volunteer_named(db, "Dana")
    shown = text(await volunteer.send("/mydata"))
    assert f"Telegram id: {row.telegram_id}" in shown
    assert "Name: Dana" in shown
    assert "Username: @dana_k" in shown
    assert "Nickname on the boards: Night Owl" in shown
    assert "Links sent: 2; photos sent: 0" in shown
    assert "/forget_me" in shown


async def test_forget_me_erases_after_confirmation_and_keeps_credits(
    client: BotClient, db: AsyncSession
) -> None:
    moderator = await make_volunteer(db, 77, "Modest")
    admin = client.as_user(ADMIN_ID, language_code="en")
    await admin.send("/start")
    squad_reply = texts(await admin.send("/squad_add Forgetters"))[0]
    code = squad_reply.split("<code>")[1].split("</code>")[0]

    leaver = client.as_user(6003, first_name="Leaver", username="leaver_u", language_code="en")
    stayer = client.as_user(6004, first_name="Stayer", language_code="en")
    await leaver.send("t.me/forget_shop_one")
    await stayer.send("t.me/forget_shop_one and t.me/forget_shop_two")
    await leaver.send(f"/squad {code}")
    await leaver.send("/privacy Gone Soon")
    reports = [saved_id(r) for r in (await db.exec(select(Report))).all()]
    await move(db, reports, ReportStatus.ACCEPTED, moderator)
    before = text(await stayer.send("/top"))
    assert "2. Gone Soon — 3 pts" in before
    assert "Forgetters — 3 pts, members: 1" in before
    row_id = (await volunteer_named(db, "Leaver")).id

    asked = await leaver.send("/forget_me")
    assert (await volunteer_named(db, "Leaver")).forgotten_at is None  # nothing before the answer

    done = await leaver.press(asked, "Yes, erase my data")
    [edit] = [r for r in done if isinstance(r, EditMessageText)]
    assert "your data is erased" in message_text(edit)
    assert edit.reply_markup is None
    db.expire_all()
    gone = await db.get(Volunteer, row_id)
    assert gone is not None
    assert gone.forgotten_at is not None
    assert (gone.first_name, gone.username, gone.nickname, gone.language) == ("", None, None, None)
    assert gone.telegram_id < 0
    assert not gone.public_consent
    assert not gone.notices_enabled
    chats = (await db.exec(select(Sighting.chat_id).where(Sighting.volunteer_id == row_id))).all()
    assert chats == [gone.telegram_id]  # the sighting stays, without the chat it came from
    assert (await db.exec(select(func.count()).select_from(SquadMember))).one() == 0
    # The report still counts both volunteers; the boards no longer show the leaver.
    first = (await db.exec(select(Report).where(col(Report.id) == min(reports)))).one()
    assert (await db.exec(select(func.count()).where(Sighting.report_id == first.id))).one() == 2
    top = text(await stayer.send("/top"))
    assert "2. " not in top
    assert "— 3 pts" not in top
    assert "Forgetters — 0 pts, members: 0" in top
    full = text(await admin.send(f"/report {first.id}"))
    assert "a volunteer who erased their data" in full
    assert "Leaver" not in full
    assert str(gone.telegram_id) not in full

    # A second press (or a redelivered one) erases nothing more: the person is someone new now.
    again = await leaver.press(asked, "Yes, erase my data")
    assert any(isinstance(r, AnswerCallbackQuery) and r.show_alert for r in again)
    assert (await db.exec(select(func.count()).select_from(Volunteer))).one() == 5
    assert "Name: Leaver" in text(await leaver.send("/mydata"))  # registered afresh
    assert "Links sent: 0;" in text(await leaver.send("/mydata"))
    assert button_data(asked, "No, keep it").startswith("forget:")


async def test_cancel_and_staff_refusal(client: BotClient, db: AsyncSession) -> None:
    keeper = client.as_user(6005, first_name="Keeper", language_code="en")
    asked = await keeper.send("/forget_me")
    assert "Nothing was erased." in texts(await keeper.press(asked, "No, keep it"))
    assert (await volunteer_named(db, "Keeper")).forgotten_at is None

    admin = client.as_user(ADMIN_ID, language_code="en")
    await admin.send("/start")
    refused = text(await admin.send("/forget_me"))
    assert "Staff cannot erase their data" in refused
    # A moderator who got the question before the role is refused when pressing it.
    asked = await keeper.send("/forget_me")
    keeper_row = await volunteer_named(db, "Keeper")
    await admin.send(f"/grant {keeper_row.telegram_id}")
    pressed = await keeper.press(asked, "Yes, erase my data")
    assert any(isinstance(r, AnswerCallbackQuery) and r.show_alert for r in pressed)
    assert (await volunteer_named(db, "Keeper")).forgotten_at is None


async def test_forget_me_drops_an_unfinished_graffiti_report(
    client: BotClient, db: AsyncSession
) -> None:
    painter = client.as_user(6006, first_name="Painter", language_code="en")
    await send_photo(painter, jpeg(wall_image(7)))
    assert (await db.exec(select(func.count()).select_from(GraffitiDraft))).one() == 1
    asked = await painter.send("/forget_me")
    await painter.press(asked, "Yes, erase my data")
    db.expire_all()
    assert (await db.exec(select(func.count()).select_from(GraffitiDraft))).one() == 0
    assert (await db.exec(select(func.count()).select_from(GraffitiDraftPhoto))).one() == 0
