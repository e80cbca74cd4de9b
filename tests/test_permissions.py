"""Triage is for moderators only: volunteers and revoked moderators change nothing."""

import pytest
from aiogram.methods import AnswerCallbackQuery
from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import ReportStatus
from models.moderation import AuditEntry
from models.report import Report
from tests.support.accounts import ADMIN_ID
from tests.support.client import BotClient, find_button, text, texts
from tests.support.telegram_ids import tg_id
from tests.support.triage_helpers import (
    NUMBER,
    alerts,
    make_moderator,
    report_link,
    report_row,
)
from views.callbacks import TriageAction, TriageCard

REFUSAL = "This command is for moderators only."


async def _snapshot(db: AsyncSession) -> list[tuple[object, ...]]:
    db.expire_all()
    reports = (await db.exec(select(Report).order_by(col(Report.id)))).all()
    rows = [
        (
            r.id,
            r.status,
            r.category,
            r.claimed_by_id,
            r.merged_into_id,
            r.resolution_code,
            r.resolution_note,
        )
        for r in reports
    ]
    audit = (await db.exec(select(func.count()).select_from(AuditEntry))).one()
    return [*rows, (audit,)]


@pytest.mark.parametrize(
    "command",
    [
        "/queue",
        "/accept {a} sales",
        "/reject {a} {b} nope",
        "/merge {a} into {b}",
        "/report {a}",
        "/find t.me/secret_shop",
    ],
)
async def test_volunteer_commands_are_refused(
    client: BotClient, db: AsyncSession, command: str
) -> None:
    a = await report_link(client, 1, "t.me/secret_shop")
    b = await report_link(client, 2, "t.me/other_shop")
    volunteer = client.as_user(3, language_code="en", first_name="Nosy")
    before = await _snapshot(db)
    reply = text(await volunteer.send(command.format(a=a, b=b)))
    assert reply == REFUSAL
    assert "User1" not in reply
    assert await _snapshot(db) == before


@pytest.mark.parametrize(
    ("action", "value"),
    [
        (TriageAction.CATEGORY, "drug_sales"),
        (TriageAction.REASON, "nd"),
        (TriageAction.ACCEPT, ""),
        (TriageAction.SKIP, ""),
        (TriageAction.DUPLICATE, ""),
    ],
)
async def test_volunteer_pressing_a_forged_button_changes_nothing(
    client: BotClient, db: AsyncSession, action: TriageAction, value: str
) -> None:
    report_id = await report_link(client, 1, "t.me/secret_shop")
    moderator = await make_moderator(client, 500)
    card = await moderator.send("/queue")  # held by a moderator: a forged Skip must not release it
    before = await _snapshot(db)
    forged = TriageCard(action=action, report_id=report_id, value=value).pack()
    shown, _accept = find_button(card, "Accept")
    volunteer = client.as_user(1, language_code="en")
    pressed = await volunteer.forge_press(forged, message_id=moderator.message_id_of(shown))
    [answer] = [r for r in pressed if isinstance(r, AnswerCallbackQuery)]
    assert (answer.text, answer.show_alert) == ("This button is not available to you.", True)
    assert texts(pressed) == []
    assert await _snapshot(db) == before
    # The forged Duplicate did not leave the volunteer in a typed-input state either.
    await client.as_user(1).send("t.me/another_shop")
    assert (await report_row(db, report_id)).status == ReportStatus.NEW


async def test_revoked_moderator_cannot_use_the_card(client: BotClient, db: AsyncSession) -> None:
    report_id = await report_link(client, 1, "t.me/secret_shop")
    moderator = await make_moderator(client, 500)
    card = await moderator.send("/queue")
    categories = await moderator.press(card, "Accept")
    reasons = await moderator.press(card, "Reject")
    await client.as_user(ADMIN_ID, language_code="en").send(f"/revoke {tg_id(500)}")
    before = await _snapshot(db)
    for shown, label in ((categories, "drug sales"), (reasons, "duplicate")):
        pressed = await moderator.press(shown, label)
        assert alerts(pressed) == ["This button is not available to you."]
    assert text(await moderator.send(f"/accept {report_id} sales")) == REFUSAL
    assert await _snapshot(db) == before


async def test_revoked_moderator_typed_reason_is_not_taken(
    client: BotClient, db: AsyncSession
) -> None:
    report_id = await report_link(client, 1, "t.me/secret_shop")
    moderator = await make_moderator(client, 500)
    card = await moderator.send("/queue")
    reasons = await moderator.press(card, "Reject")
    await moderator.press(reasons, "Type a reason")
    await client.as_user(ADMIN_ID, language_code="en").send(f"/revoke {tg_id(500)}")
    await moderator.send("spam, reject it")
    assert (await report_row(db, report_id)).status == ReportStatus.NEW


async def test_only_moderators_see_who_reported(client: BotClient) -> None:
    aigerim = client.as_user(1, first_name="Aigerim", username="aigerim_secret")
    report_id = int(NUMBER.findall(text(await aigerim.send("t.me/secret_shop")))[0])
    moderator = await make_moderator(client, 500)
    full = text(await moderator.send(f"/report {report_id}"))
    assert f"Aigerim @aigerim_secret · <code>{tg_id(1)}</code>" in full
    other = client.as_user(2, language_code="en")
    assert text(await other.send(f"/report {report_id}")) == REFUSAL
    # The card carries no identities at all, moderator-only though it is.
    card = text(await moderator.send("/queue"))
    assert "Aigerim" not in card
    assert "aigerim_secret" not in card
