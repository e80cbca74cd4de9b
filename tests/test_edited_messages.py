"""An edited message is read again for links (item 13): what the edit adds becomes a report."""

from datetime import UTC, datetime
from typing import Any

from aiogram.methods import SendMessage
from sqlalchemy import func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.report import Report, Sighting
from tests.support.accounts import ADMIN_ID
from tests.support.client import BotClient, texts


def edited(update: dict[str, Any]) -> dict[str, Any]:
    """The same message as Telegram sends it after an edit: same id, new text, edit_date."""
    message = update.pop("message")
    message["edit_date"] = int(datetime.now(UTC).timestamp())
    return {**update, "edited_message": message}


async def count(db: AsyncSession, model: type) -> int:
    return (await db.exec(select(func.count()).select_from(model))).one()


async def test_a_link_added_by_an_edit_becomes_a_report(
    client: BotClient, db: AsyncSession
) -> None:
    volunteer = client.as_user(1001, language_code="en")
    await volunteer.send("t.me/edit_first_shop", message_id=700)
    reply = await volunteer.feed(
        edited(volunteer.message_update("t.me/edit_first_shop and edit-shop.kz", message_id=700))
    )
    [answer] = texts(reply)
    assert answer.startswith("I read your edited message again:")
    assert "new report" in answer
    assert "edit-shop.kz" in answer
    assert "edit_first_shop" not in answer  # already counted: not repeated
    [sent] = [r for r in reply if isinstance(r, SendMessage)]
    assert sent.reply_parameters is not None
    assert sent.reply_parameters.message_id == 700
    assert await count(db, Report) == 2
    assert await count(db, Sighting) == 2


async def test_an_edit_read_twice_or_without_new_links_adds_nothing(
    client: BotClient, db: AsyncSession
) -> None:
    volunteer = client.as_user(1001, language_code="en")
    await volunteer.send("t.me/edit_same_shop", message_id=710)
    update = edited(volunteer.message_update("t.me/edit_same_shop, fixed typo", message_id=710))
    assert texts(await volunteer.feed(update)) == [
        "I read your edited message again: no new links in it."
    ]
    prose = edited(volunteer.message_update("just a thought, no links", message_id=711))
    assert texts(await volunteer.feed(prose)) == []
    command = edited(volunteer.message_update("/find edit-command-shop.kz", message_id=712))
    assert texts(await volunteer.feed(command)) == []  # an edited command is no report
    assert await count(db, Report) == 1
    assert await count(db, Sighting) == 1


async def test_edits_of_photos_banned_volunteers_and_groups(
    client: BotClient, db: AsyncSession
) -> None:
    volunteer = client.as_user(1001, language_code="en")
    photo = volunteer.message_update(
        caption="edit-photo-shop.kz",
        extra={"photo": [{"file_id": "p", "file_unique_id": "up", "width": 9, "height": 9}]},
    )
    assert texts(await volunteer.feed(edited(photo))) == [
        "Edits of photos and files are not read. Please send the change as a new message."
    ]
    in_group = edited(volunteer.message_update("edit-group-shop.kz", chat_type="group"))
    assert texts(await volunteer.feed(in_group)) == []

    await client.as_user(ADMIN_ID).send("/start")
    await volunteer.send("/start")
    await client.as_user(ADMIN_ID).send(f"/ban {volunteer.user_id}")
    banned = await volunteer.feed(edited(volunteer.message_update("edit-banned-shop.kz")))
    assert "not accepted" in texts(banned)[-1]
    assert await count(db, Report) == 0
