"""/queue: cards, their buttons, typed input, skips and claims, through the real dispatcher."""

import asyncio
from datetime import timedelta

import pytest
from aiogram.methods import EditMessageText, SendMessage
from sqlalchemy import func
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import saved_id
from models.enums import Category, NoteCode, ReportStatus
from models.moderation import AuditEntry, Notice
from models.report import Report, Sighting
from models.volunteer import Volunteer
from services import queue
from services.clock import to_almaty, utcnow
from tests.support.client import BotClient, buttons, message_text, text, texts
from tests.support.report_setup import statuses, wall_report
from tests.support.telegram_ids import realistic, tg_id
from tests.support.triage_helpers import (
    alerts,
    audit,
    card_number,
    make_moderator,
    report_link,
    report_row,
)


async def _three_reports(client: BotClient) -> list[int]:
    return [
        await report_link(client, 1, "t.me/shop_one"),
        await report_link(client, 2, "shop-kz.kz/a"),
        await report_link(client, 3, "shop-kz.kz/b"),
    ]


async def test_card_shows_the_oldest_new_report(client: BotClient, db: AsyncSession) -> None:
    first, second, third = await _three_reports(client)
    await report_link(client, 4, "@SHOP_ONE")  # two confirmations of the first report
    await report_link(client, 5, "https://t.me/s/shop_one")
    moderator = await make_moderator(client, 500)
    await moderator.send(f"/ban {tg_id(5)} spam")
    reply = await moderator.send("/queue")
    card = text(reply)
    created = (await report_row(db, first)).created_at
    assert f"<b>#{first}</b> · Telegram" in card
    assert "<code>https://t.me/shop_one</code>" in card
    assert "Reported by 3 volunteers" in card
    assert to_almaty(created).strftime("%d.%m.%Y %H:%M") in card
    assert "Reported by a banned volunteer." in card
    assert "User4" not in card
    assert "User1" not in card
    labels = [label for label, _ in buttons(reply[-1])]
    assert labels == ["✅ Accept", "❌ Reject", "🔁 Duplicate of…", "⏭ Skip", "❓ Not sure"]
    # The second card lists its sibling on the same site key, with its status.
    await moderator.send(f"/accept {first} sales")
    second_card = text(await moderator.send("/queue"))
    assert f"<b>#{second}</b> · web site" in second_card
    assert "Site: <code>shop-kz.kz</code>" in second_card
    assert f"Same site: #{third} (new, waiting for a moderator)" in second_card
    assert "banned" not in second_card


async def test_accept_from_the_card_asks_the_category(client: BotClient, db: AsyncSession) -> None:
    first, second, _ = await _three_reports(client)
    moderator = await make_moderator(client, 500)
    card = await moderator.send("/queue")
    categories = await moderator.press(card, "Accept")
    labels = [label for label, _ in buttons(categories[-1])]
    assert labels == [
        "drug sales",
        "drug propaganda or advertising",
        "courier recruitment",
        "other illegal content",
        "« Back",
    ]
    assert (await report_row(db, first)).status == ReportStatus.NEW  # nothing decided yet
    done = await moderator.press(categories, "courier")
    [edited] = [r for r in done if isinstance(r, EditMessageText)]
    [shown] = [r for r in card if buttons(r)]
    # The next card replaces the old one in the same message.
    assert edited.message_id == moderator.session.result_of(shown).message_id
    assert message_text(edited).startswith(f"✓ #{first} accepted: courier recruitment.")
    assert card_number(done) == second
    row = await report_row(db, first)
    assert (row.status, row.category) == (ReportStatus.ACCEPTED, Category.COURIER_RECRUITMENT)
    assert row.claimed_by_id is None
    [entry] = await audit(db, first)
    assert (entry.from_status, entry.to_status) == (ReportStatus.NEW, ReportStatus.ACCEPTED)
    notices = (await db.exec(select(Notice).where(Notice.report_id == first))).all()
    assert len(notices) == 1


async def test_back_returns_to_the_card_buttons(client: BotClient, db: AsyncSession) -> None:
    await _three_reports(client)
    moderator = await make_moderator(client, 500)
    card = await moderator.send("/queue")
    reasons = await moderator.press(card, "Reject")
    back = await moderator.press(reasons, "Back")
    assert buttons(back[-1])[0][0] == "✅ Accept"
    assert (await db.exec(select(func.count()).select_from(AuditEntry))).one() == 0


async def test_reject_with_a_preset_reason(client: BotClient, db: AsyncSession) -> None:
    first, second, _ = await _three_reports(client)
    moderator = await make_moderator(client, 500)
    card = await moderator.send("/queue")
    reasons = await moderator.press(card, "Reject")
    labels = [label for label, _ in buttons(reasons[-1])]
    assert labels[:4] == [
        "not drug-related",
        "the link does not work",
        "not enough evidence",
        "duplicate",
    ]
    done = await moderator.press(reasons, "not drug-related")
    assert card_number(done) == second
    row = await report_row(db, first)
    # Stored as a code, not as the English label: every reader gets it in their language.
    assert (row.status, row.resolution_code, row.resolution_note) == (
        ReportStatus.REJECTED,
        NoteCode.NOT_DRUG_RELATED,
        None,
    )
    [entry] = await audit(db, first)
    assert (entry.code, entry.note) == (NoteCode.NOT_DRUG_RELATED, None)
    # Rendered in the reader's language: the same moderator, switched to Russian, reads it so.
    await moderator.press(await moderator.send("/lang"), "Русский")
    shown = text(await moderator.send(f"/report {first}"))
    assert "Причина: не связано с наркотиками" in shown
    assert "not drug-related" not in shown


async def test_reject_with_a_typed_reason(client: BotClient, db: AsyncSession) -> None:
    first, second, _ = await _three_reports(client)
    moderator = await make_moderator(client, 500)
    card = await moderator.send("/queue")
    reasons = await moderator.press(card, "Reject")
    prompt = await moderator.press(reasons, "Type a reason")
    assert f"reason for rejecting #{first}" in text(prompt)
    done = await moderator.send("a <b>cooking</b> blog, t.me/recipes")
    assert texts(done)[-1].startswith(f"✓ #{first} rejected.")
    assert card_number(done) == second
    row = await report_row(db, first)
    assert row.status == ReportStatus.REJECTED
    assert row.resolution_note == "a <b>cooking</b> blog, t.me/recipes"
    # The typed reason was not taken as a report of t.me/recipes.
    assert (await db.exec(select(func.count()).select_from(Report))).one() == 3


async def test_cancel_aborts_typed_input(client: BotClient, db: AsyncSession) -> None:
    first, *_ = await _three_reports(client)
    moderator = await make_moderator(client, 500)
    card = await moderator.send("/queue")
    reasons = await moderator.press(card, "Reject")
    await moderator.press(reasons, "Type a reason")
    cancelled = await moderator.send("/cancel")
    assert texts(cancelled)[-1].startswith("Cancelled.")
    assert card_number(cancelled) == first  # still held by this moderator, shown again
    after = await moderator.send("not a reason any more")
    assert "rejected" not in " ".join(texts(after))
    assert (await report_row(db, first)).status == ReportStatus.NEW
    assert await audit(db, first) == []
    assert "Cancelled." not in text(await moderator.send("/cancel"))  # nothing of ours to cancel


async def test_another_command_ends_typed_input(client: BotClient, db: AsyncSession) -> None:
    first, second, _ = await _three_reports(client)
    moderator = await make_moderator(client, 500)
    card = await moderator.send("/queue")
    reasons = await moderator.press(card, "Reject")
    await moderator.press(reasons, "Type a reason")
    assert "Accepted" in text(await moderator.send(f"/accept {second} other"))
    await moderator.send("later words")
    assert (await report_row(db, first)).status == ReportStatus.NEW


async def test_duplicate_of_asks_for_the_number(client: BotClient, db: AsyncSession) -> None:
    first, second, third = await _three_reports(client)
    moderator = await make_moderator(client, 500)
    await moderator.send(f"/reject {third} test")
    await moderator.send(f"/merge {third} into {second}")  # refused: #3 is not new
    card = await moderator.send("/queue")
    prompt = await moderator.press(card, "Duplicate of")
    assert f"#{first} duplicates which report?" in text(prompt)
    assert "one report number" in text(await moderator.send("the other one"))
    assert "into itself" in text(await moderator.send(f"#{first}"))
    assert "no such report to merge into" in text(await moderator.send("#999"))
    assert (await report_row(db, first)).status == ReportStatus.NEW
    finders = {(await report_row(db, n)).found_by_id for n in (first, second)}
    done = await moderator.send(f"#{second}")
    assert texts(done)[-1].startswith(f"✓ #{first} merged into #{second}.")
    row = await report_row(db, first)
    assert (row.status, row.merged_into_id) == (ReportStatus.MERGED, second)
    sightings = (await db.exec(select(Sighting).where(Sighting.report_id == second))).all()
    assert {s.volunteer_id for s in sightings} == finders
    assert len(sightings) == 2
    assert card_number(done) == second  # the survivor is still new: it comes next


async def test_skip_and_not_sure_move_on_without_coming_back(
    client: BotClient, db: AsyncSession
) -> None:
    first, second, third = await _three_reports(client)
    moderator = await make_moderator(client, 500)
    other = await make_moderator(client, 501)
    card = await moderator.send("/queue")
    assert card_number(card) == first
    skipped = await moderator.press(card, "Skip")
    assert card_number(skipped) == second
    # The skipped card went back to the pool: another moderator gets it at once.
    assert card_number(await other.send("/queue")) == first
    unsure = await moderator.press(skipped, "Not sure")
    assert card_number(unsure) == third
    last = await moderator.press(unsure, "Skip")
    assert card_number(last) is None
    assert "You skipped 3" in texts(last)[-1]
    for report_id in (first, second, third):
        assert (await report_row(db, report_id)).status == ReportStatus.NEW
    assert (await db.exec(select(func.count()).select_from(AuditEntry))).one() == 0
    # A new round (/queue) may show skipped cards again; #1 is held by the other moderator.
    assert card_number(await moderator.send("/queue")) == second


async def test_empty_queue(client: BotClient) -> None:
    moderator = await make_moderator(client, 500)
    assert text(await moderator.send("/queue")) == (
        "The queue is empty: no new reports are waiting."
    )


async def test_button_on_a_report_someone_else_decided(
    client: BotClient, db: AsyncSession
) -> None:
    first, second, _ = await _three_reports(client)
    moderator = await make_moderator(client, 500)
    other = await make_moderator(client, 501)
    card = await moderator.send("/queue")
    categories = await moderator.press(card, "Accept")
    # The card is held: another moderator's command leaves it alone (test_bulk_claims.py)…
    assert "held by another moderator" in text(await other.send(f"/reject {first} spam"))
    # …until the claim runs out while the first moderator is away.
    await _expire_claims(db)
    await other.send(f"/reject {first} spam")
    pressed = await moderator.press(categories, "drug sales")
    assert alerts(pressed) == [f"#{first} was not changed: its status is “rejected”."]
    assert card_number(pressed) == second
    row = await report_row(db, first)
    assert (row.status, row.category) == (ReportStatus.REJECTED, None)
    assert len(await audit(db, first)) == 1
    # Every button of the stale card refuses the same way.
    for label in ("Accept", "Reject", "Duplicate of"):
        stale = await moderator.press(card, label)
        assert alerts(stale) == [f"#{first} was not changed: its status is “rejected”."]
    assert len(await audit(db, first)) == 1


async def test_button_on_a_card_another_moderator_now_holds(
    client: BotClient, db: AsyncSession
) -> None:
    first, *_ = await _three_reports(client)
    moderator = await make_moderator(client, 500)
    other = await make_moderator(client, 501)
    card = await moderator.send("/queue")
    await _expire_claims(db)
    assert card_number(await other.send("/queue")) == first
    categories = await moderator.press(card, "Accept")
    assert alerts(categories) == [f"Another moderator is looking at #{first} now."]
    assert (await report_row(db, first)).status == ReportStatus.NEW


@pytest.mark.parametrize("moderators", [2, 6])
async def test_moderators_at_once_get_different_cards(
    client: BotClient, db: AsyncSession, moderators: int
) -> None:
    # Six at once make the read-then-claim race real; a claim that ignores it shows duplicates.
    for n in range(moderators + 1):
        await report_link(client, 1, f"t.me/shop_race_{n}")
    staff = [await make_moderator(client, 500 + n) for n in range(moderators)]
    before = len(client.session.requests)
    await asyncio.gather(*(moderator.send("/queue") for moderator in staff))
    # Concurrent feeds share one recording: tell each moderator's card apart by its chat.
    sent = client.session.requests[before:]
    shown = [
        card_number([r for r in sent if getattr(r, "chat_id", None) == moderator.user_id])
        for moderator in staff
    ]
    assert None not in shown, shown
    assert len(set(shown)) == moderators, shown
    claims = await db.exec(select(Report.id, Report.claimed_by_id).where(
        col(Report.claimed_by_id).is_not(None)
    ))  # fmt: skip
    assert len({holder for _, holder in claims.all()}) == moderators


async def test_one_after_another_moderators_get_different_cards(client: BotClient) -> None:
    first, second, third = await _three_reports(client)
    moderators = [await make_moderator(client, 500 + n) for n in range(4)]
    shown = [card_number(await moderator.send("/queue")) for moderator in moderators]
    assert shown == [first, second, third, None]
    # Asking again keeps one's own card instead of taking another.
    assert card_number(await moderators[0].send("/queue")) == first


async def test_an_expired_claim_returns_the_card(client: BotClient, db: AsyncSession) -> None:
    first, *_ = await _three_reports(client)
    moderator = await make_moderator(client, 500)
    other = await make_moderator(client, 501)
    assert card_number(await moderator.send("/queue")) == first
    assert card_number(await other.send("/queue")) != first
    await _expire_claims(db)
    assert card_number(await other.send("/queue")) == first


async def _expire_claims(db: AsyncSession) -> None:
    await db.exec(update(Report).values(claimed_until=utcnow() - timedelta(seconds=1)))
    await db.commit()


# Service level: time is injected, nothing sleeps.


async def _volunteer_ids(client: BotClient, db: AsyncSession, *telegram_ids: int) -> list[int]:
    for telegram_id in telegram_ids:
        await client.as_user(telegram_id).send("/start")
    wanted = [realistic(telegram_id) for telegram_id in telegram_ids]
    rows = await db.exec(select(Volunteer).where(col(Volunteer.telegram_id).in_(wanted)))
    by_telegram = {v.telegram_id: saved_id(v) for v in rows.all()}
    return [by_telegram[telegram_id] for telegram_id in wanted]


async def test_claim_expiry_with_injected_time(client: BotClient, db: AsyncSession) -> None:
    only = await report_link(client, 1, "t.me/only_one")
    one, two = await _volunteer_ids(client, db, 501, 502)
    start = utcnow()
    mine = await queue.claim_next(db, moderator_id=one, claim_minutes=5, now=start)
    assert mine is not None
    assert mine.id == only
    later = start + timedelta(minutes=4, seconds=59)
    assert await queue.claim_next(db, moderator_id=two, claim_minutes=5, now=later) is None
    assert await queue.held_by_other(db, report_id=only, moderator_id=two, now=later)
    expired = start + timedelta(minutes=5, seconds=1)
    assert not await queue.held_by_other(db, report_id=only, moderator_id=two, now=expired)
    theirs = await queue.claim_next(db, moderator_id=two, claim_minutes=5, now=expired)
    assert theirs is not None
    assert theirs.id == only
    assert theirs.claimed_by_id == two


async def test_one_moderator_holds_one_card(client: BotClient, db: AsyncSession) -> None:
    first = await report_link(client, 1, "t.me/first_one")
    second = await report_link(client, 1, "t.me/second_one")
    one, two = await _volunteer_ids(client, db, 501, 502)
    now = utcnow()
    await queue.claim_next(db, moderator_id=one, claim_minutes=5, now=now)
    moved = await queue.claim_next(db, moderator_id=one, claim_minutes=5, skip=[first], now=now)
    assert moved is not None
    assert moved.id == second
    assert (await report_row(db, first)).claimed_by_id is None
    await queue.release(db, report_id=second, moderator_id=two)  # not the holder: no effect
    assert (await report_row(db, second)).claimed_by_id == one
    await queue.release(db, report_id=second, moderator_id=one)
    assert (await report_row(db, second)).claimed_by_id is None


async def test_message_card_is_sent_not_edited_on_queue(client: BotClient) -> None:
    await _three_reports(client)
    moderator = await make_moderator(client, 500)
    reply = await moderator.send("/queue")
    assert [type(r) for r in reply if isinstance(r, SendMessage | EditMessageText)] == [
        SendMessage
    ]


async def test_moderators_read_the_card_in_their_language(client: BotClient) -> None:
    await _three_reports(client)
    moderator = await make_moderator(client, 500)
    russian = client.as_user(500, language_code="ru")
    reply = await russian.send("/queue")
    assert "Сообщил 1 волонтёр" in text(reply)
    assert buttons(reply[-1])[0][0] == "✅ Принять"
    kazakh = client.as_user(500, language_code="kk")
    assert "1 волонтер хабарлады" in text(await kazakh.send("/queue"))
    assert moderator.user_id == russian.user_id


async def test_queue_card_typed_duplicate_of_another_kind_may_be_retried(
    client: BotClient, db: AsyncSession
) -> None:
    """On a card, a number of the other kind is a wrong number: the moderator may send another."""
    channel = await report_link(client, 1, "t.me/kind_card_one")
    duplicate = await report_link(client, 2, "t.me/kind_card_two")
    wall = await wall_report(db, 77_003)
    moderator = await make_moderator(client, 500)
    card = await moderator.send("/queue")
    await moderator.press(card, "Duplicate")
    reply = text(await moderator.send(f"#{wall}"))
    assert "Send another number" in reply
    reply = texts(await moderator.send(f"#{duplicate}"))[-1]
    assert "merged into" in reply
    assert await statuses(db, [channel, duplicate, wall]) == [
        ReportStatus.MERGED,
        ReportStatus.NEW,
        ReportStatus.NEW,
    ]
