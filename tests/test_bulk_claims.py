"""Bulk commands leave alone a card another moderator is reviewing, and say so."""

from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import ReportStatus
from tests.support.client import BotClient, text
from tests.support.report_setup import statuses
from tests.support.triage_helpers import card_number, make_moderator, report_link

HELD = "is held by another moderator"


async def test_bulk_commands_skip_a_card_another_moderator_holds(
    client: BotClient, db: AsyncSession
) -> None:
    held = await report_link(client, 11, "t.me/held_shop")
    free = await report_link(client, 12, "t.me/free_shop")
    other = await report_link(client, 13, "t.me/other_shop")
    aigerim = await make_moderator(client, 501)
    bolat = await make_moderator(client, 502)
    assert card_number(await aigerim.send("/queue")) == held  # Aigerim holds the oldest card

    accepted = text(await bolat.send(f"/accept {held} {free} sales"))
    assert f"Accepted (drug sales): #{free}" in accepted
    assert f"#{held} {HELD}" in accepted
    rejected = text(await bolat.send(f"/reject {held} not drugs"))
    assert f"#{held} {HELD}" in rejected
    assert "Rejected:" not in rejected
    merged = text(await bolat.send(f"/merge {held} into {other}"))
    assert f"#{held} {HELD}" in merged
    assert await statuses(db, [held, free, other]) == [
        ReportStatus.NEW,
        ReportStatus.ACCEPTED,
        ReportStatus.NEW,
    ]

    # The holder herself may use a bulk command on her card.
    assert f"Rejected: #{held}" in text(await aigerim.send(f"/reject {held} not drugs"))
