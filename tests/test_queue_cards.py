"""The queue's use cases as plain values: the next card, and whether a card may be judged."""

import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import saved_id
from models.enums import ReportStatus
from services.queue_cards import check_open, next_card
from services.triage import Refusal, RefusalKind
from tests.support.fake_clock import FrozenClock
from tests.support.tally_world import almaty, make_volunteer, move, send_links


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    return FrozenClock(monkeypatch, almaty(11, 1))


@pytest.mark.usefixtures("clock")
async def test_next_card_claims_and_check_open_refuses_others(db: AsyncSession) -> None:
    first, second = await make_volunteer(db, 1), await make_volunteer(db, 2)
    sender = await make_volunteer(db, 3)
    (report_id,) = await send_links(db, sender, "t.me/queue_cards_shop")
    first_id, second_id = saved_id(first), saved_id(second)  # rows expire on the rollbacks

    shown = await next_card(db, moderator_id=first_id, claim_minutes=5)
    assert shown.card is not None
    assert shown.card.report_id == report_id
    assert await check_open(db, report_id=report_id, moderator_id=first_id) is None
    held = await check_open(db, report_id=report_id, moderator_id=second_id)
    assert held == Refusal(report_id, RefusalKind.HELD)

    empty = await next_card(db, moderator_id=second_id, claim_minutes=5, skip=[7])
    assert (empty.card, empty.skipped, empty.open_claims) == (None, 1, 0)

    await db.refresh(first)
    await move(db, [report_id], ReportStatus.REJECTED, first)
    judged = await check_open(db, report_id=report_id, moderator_id=first_id)
    assert judged == Refusal(report_id, RefusalKind.WRONG_STATUS, ReportStatus.REJECTED)
    missing = await check_open(db, report_id=999_999, moderator_id=first_id)
    assert missing == Refusal(999_999, RefusalKind.MISSING)
