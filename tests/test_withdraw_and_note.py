"""Withdraw or correct (issue 11): while a report is new, a volunteer who sent it may withdraw
their own sighting or add a note for the moderators; afterwards both are politely refused."""

from typing import Any

from aiogram.methods import AnswerCallbackQuery, EditMessageText, TelegramMethod
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import NoteCode, ReportStatus
from models.moderation import AuditEntry
from models.report import Evidence, Report, Sighting
from models.volunteer import Volunteer
from tests.support.client import BotClient, buttons, text, texts
from tests.support.telegram_ids import tg_id
from tests.support.triage_helpers import NUMBER, card_number, make_moderator

S = ReportStatus


async def _sent(volunteer: BotClient, link: str) -> int:
    return int(NUMBER.findall(text(await volunteer.send(link)))[0])


async def _report(db: AsyncSession, number: int) -> Report:
    db.expire_all()
    return (await db.exec(select(Report).where(Report.id == number))).one()


async def _volunteer_id(db: AsyncSession, user: BotClient) -> int:
    found = await db.exec(select(Volunteer.id).where(Volunteer.telegram_id == user.user_id))
    volunteer_id = found.one()
    assert volunteer_id is not None
    return volunteer_id


async def _sighters(db: AsyncSession, number: int) -> list[int]:
    db.expire_all()
    rows = await db.exec(
        select(Sighting.volunteer_id)
        .where(Sighting.report_id == number)
        .order_by(col(Sighting.id))
    )
    return list(rows.all())


async def _audit(db: AsyncSession, number: int) -> list[AuditEntry]:
    db.expire_all()
    rows = await db.exec(
        select(AuditEntry).where(AuditEntry.report_id == number).order_by(col(AuditEntry.id))
    )
    return list(rows.all())


def _alerts(requests: list[TelegramMethod[Any]]) -> list[str]:
    return [r.text or "" for r in requests if isinstance(r, AnswerCallbackQuery) and r.show_alert]


async def test_withdrawing_leaves_other_volunteers_confirmations_and_the_report_alive(
    client: BotClient, db: AsyncSession
) -> None:
    finder = client.as_user(6101, language_code="en", first_name="Aruzhan")
    confirmer = client.as_user(6102, language_code="en", first_name="Bauyrzhan")
    later = client.as_user(6103, language_code="en")
    number = await _sent(finder, "t.me/withdraw_shop_kept t.me/withdraw_shop_kept/12")
    await confirmer.send("t.me/withdraw_shop_kept")
    await later.send("t.me/withdraw_shop_kept")
    finder_id, confirmer_id, later_id = [
        await _volunteer_id(db, user) for user in (finder, confirmer, later)
    ]
    assert (await _report(db, number)).found_by_id == finder_id

    mine = await finder.send(f"/my {number}")
    assert {"↩️ Withdraw", "📝 Add a note"} <= {label for label, _ in buttons(mine[-1])}
    question = await finder.press(mine, "Withdraw")
    assert f"Withdraw your report #{number}?" in text(question)
    assert (await _report(db, number)).status == S.NEW  # asking changes nothing
    assert await _sighters(db, number) == [finder_id, confirmer_id, later_id]
    done = await finder.press(question, f"Yes, withdraw #{number}")
    [edited] = [r for r in done if isinstance(r, EditMessageText)]
    assert f"Your report #{number} is withdrawn. Other volunteers reported it too" in (
        edited.text or ""
    )

    report = await _report(db, number)
    assert report.status == S.NEW
    assert report.found_by_id == confirmer_id  # the earliest remaining sighting finds it now
    assert await _sighters(db, number) == [confirmer_id, later_id]
    assert (await db.exec(select(Evidence).where(Evidence.report_id == number))).all() == []
    [entry] = await _audit(db, number)
    assert (entry.from_status, entry.to_status) == (S.NEW, S.NEW)
    assert (entry.code, entry.actor_id) == (NoteCode.SIGHTING_WITHDRAWN, finder_id)
    # The report is no longer the finder's; the others still follow it.
    assert text(await finder.send(f"/my {number}")) == (
        f"Report #{number}: new, waiting for a moderator."
    )
    assert "Status: new, waiting for a moderator" in text(await confirmer.send(f"/my {number}"))
    moderator = await make_moderator(client, 6199)
    card = await moderator.send("/queue")
    assert card_number(card) == number
    shown = "\n".join(texts(card))
    assert "Reported by 2 volunteers" in shown
    history = text(await moderator.send(f"/report {number}"))
    assert "a volunteer withdrew their report" in history
    assert "Aruzhan" not in history  # the history never names the volunteer who withdrew


async def test_the_sole_finder_withdrawing_closes_the_report(
    client: BotClient, db: AsyncSession
) -> None:
    finder = client.as_user(6201, language_code="en", first_name="Aruzhan")
    number = await _sent(finder, "t.me/withdraw_shop_alone")
    finder_id = await _volunteer_id(db, finder)

    reply = text(await finder.send(f"/withdraw #{number}"))
    assert f"Your report #{number} is withdrawn. Nobody else reported it, so it is closed" in (
        reply
    )
    report = await _report(db, number)
    assert report.status == S.REJECTED
    assert report.resolution_code == NoteCode.WITHDRAWN
    assert await _sighters(db, number) == []
    [entry] = await _audit(db, number)
    assert (entry.from_status, entry.to_status, entry.code, entry.actor_id) == (
        S.NEW, S.REJECTED, NoteCode.WITHDRAWN, finder_id,
    )  # fmt: skip
    moderator = await make_moderator(client, 6299)
    assert "queue is empty" in text(await moderator.send("/queue"))
    full = text(await moderator.send(f"/report {number}"))
    assert "Status: rejected" in full
    assert "withdrawn by the volunteer who sent it" in full
    assert "Aruzhan" not in full
    # The same command again: nothing of theirs is left, nothing changes.
    again = text(await finder.send(f"/withdraw {number}"))
    assert "holds nothing sent by you" in again
    assert len(await _audit(db, number)) == 1


async def test_a_note_reaches_the_moderators_and_no_other_volunteer(
    client: BotClient, db: AsyncSession
) -> None:
    finder = client.as_user(6301, language_code="en", first_name="Aruzhan")
    other = client.as_user(6302, language_code="en")
    number = await _sent(finder, "t.me/noted_shop")
    await other.send("t.me/noted_shop")

    mine = await finder.send(f"/my {number}")
    prompt = text(await finder.press(mine, "Add a note"))
    assert f"Type your note on #{number}" in prompt
    # A link sent meanwhile is a report as always, never swallowed by the note.
    meanwhile = text(await finder.send("and this one t.me/noted_shop_mirror"))
    assert "new report, thank you" in meanwhile
    assert f"still waiting for your note on #{number}" in meanwhile
    mirror = int(NUMBER.findall(meanwhile)[0])
    assert mirror != number
    saved = text(await finder.send("It is a <b>bakery</b> & I was wrong"))
    assert f"Your note on #{number} is saved" in saved
    # The wait is over: the next link is a report again, not a note.
    assert "new report" in text(await finder.send("t.me/noted_shop_after"))

    moderator = await make_moderator(client, 6399)
    card = "\n".join(texts(await moderator.send("/queue")))
    quoted = "«It is a &lt;b&gt;bakery&lt;/b&gt; &amp; I was wrong»"
    assert f"<b>#{number}</b>" in card
    assert quoted in card
    assert quoted in text(await moderator.send(f"/report {number}"))
    own = text(await finder.send(f"/my {number}"))
    assert "bakery" in own  # their own note, shown back to them
    for shown in (
        text(await other.send(f"/my {number}")),
        text(await other.send("/my")),
    ):
        assert "bakery" not in shown
    # A second note replaces the first, by command this time.
    again = text(await finder.send(f"/note {number} second thoughts"))
    assert "in place of the earlier one" in again
    db.expire_all()
    notes = (await db.exec(select(Sighting.note).where(Sighting.report_id == number))).all()
    assert sorted(n or "" for n in notes) == ["", "second thoughts"]


async def test_cancel_and_other_commands_end_the_wait_for_a_note(client: BotClient) -> None:
    finder = client.as_user(6401, language_code="en")
    number = await _sent(finder, "t.me/cancelled_note_shop")
    await finder.send(f"/note {number}")
    assert f"No note was added to #{number}" in text(await finder.send("/cancel"))
    assert "I found no link here" in text(await finder.send("just words"))
    await finder.send(f"/note {number}")
    assert "Your reports" in "\n".join(texts(await finder.send("/my")))
    assert "I found no link here" in text(await finder.send("just words"))
    assert "at most" in text(await finder.send(f"/note {number} " + "x" * 501))
    assert "is saved" in text(await finder.send("short now"))


async def test_after_acceptance_both_are_refused_politely(
    client: BotClient, db: AsyncSession
) -> None:
    finder = client.as_user(6501, language_code="en")
    number = await _sent(finder, "t.me/accepted_then_shop")
    mine = await finder.send(f"/my {number}")  # its buttons were shown while it was new
    moderator = await make_moderator(client, 6599)
    await moderator.send(f"/accept {number} sales")

    refused = text(await finder.send(f"/withdraw {number}"))
    assert f"Report #{number} can no longer be withdrawn" in refused
    assert "accepted" in refused
    assert "can no longer be added" in text(await finder.send(f"/note {number} oops"))
    question = await finder.press(mine, "Withdraw")
    pressed = await finder.press(question, "Yes, withdraw")
    assert any("can no longer be withdrawn" in alert for alert in _alerts(pressed))
    assert "can no longer be added" in "\n".join(_alerts(await finder.press(mine, "Add a note")))
    assert len(await _sighters(db, number)) == 1
    assert (await _report(db, number)).status == S.ACCEPTED
    # Nothing of the report's own buttons under /my any more.
    assert buttons((await finder.send(f"/my {number}"))[-1]) == []


async def test_a_withdraw_button_pressed_twice_acts_once(
    client: BotClient, db: AsyncSession
) -> None:
    finder = client.as_user(6601, language_code="en")
    confirmer = client.as_user(6602, language_code="en")
    number = await _sent(finder, "t.me/double_press_shop")
    await confirmer.send("t.me/double_press_shop")
    confirmer_id = await _volunteer_id(db, confirmer)
    question = await finder.press(await finder.send(f"/my {number}"), "Withdraw")

    first = await finder.press(question, "Yes, withdraw")
    second = await finder.press(question, "Yes, withdraw")
    assert _alerts(first) == []
    assert any("holds nothing sent by you" in alert for alert in _alerts(second))
    assert not any(isinstance(r, EditMessageText) for r in second)
    assert await _sighters(db, number) == [confirmer_id]
    assert len(await _audit(db, number)) == 1
    assert (await _report(db, number)).found_by_id == confirmer_id
    # Someone else's report: refused, nothing changes.
    stranger = client.as_user(6603, language_code="en")
    assert "holds nothing sent by you" in text(await stranger.send(f"/withdraw {number}"))
    assert str(tg_id(6601)) not in text(await stranger.send(f"/my {number}"))


async def test_help_names_both_commands_in_every_language(client: BotClient) -> None:
    for user_id, language, word in ((6701, "en", "withdraw"), (6702, "ru", "отозвать"),
                                    (6703, "kk", "кері қайтару")):  # fmt: skip
        shown = text(await client.as_user(user_id, language_code=language).send("/help"))
        assert "/withdraw N" in shown
        assert "/note N" in shown
        assert word in shown
