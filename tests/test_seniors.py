"""Senior volunteers (issue 11): administrators grant and revoke the role (audited); seniors
pre-check new reports with /check; two agreeing counting votes move a report up the moderators'
queue or flag it; each senior's agreement with the moderators decides whether they count."""

import pytest
from aiogram.methods import AnswerCallbackQuery, SetMyCommands
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from models.enums import ReportStatus, Role, SeniorChoice
from models.seniors import RoleChange, SeniorVote
from models.volunteer import Volunteer
from tests.support.accounts import ADMIN_ID, TEST_TOKEN
from tests.support.client import BotClient, text, texts
from tests.support.senior_helpers import (
    DRUGS,
    NOT_DRUGS,
    UNSURE,
    check_number,
    make_senior,
    vote,
)
from tests.support.triage_helpers import (
    NUMBER,
    admin,
    alerts,
    card_number,
    make_moderator,
    report_link,
    report_row,
)


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Seniors count until two decided votes, then only with 70 % agreement."""
    return Settings(
        telegram={"token": TEST_TOKEN},
        database={"url": database_url},
        access={"admins": [ADMIN_ID]},
        seniors={"min_decided": 2, "min_agreement": 0.7},
    )


async def _volunteer(db: AsyncSession, user: BotClient) -> Volunteer:
    db.expire_all()
    found = await db.exec(select(Volunteer).where(Volunteer.telegram_id == user.user_id))
    return found.one()


async def _votes(db: AsyncSession) -> list[tuple[int, int, SeniorChoice]]:
    db.expire_all()
    rows = (await db.exec(select(SeniorVote).order_by(col(SeniorVote.id)))).all()
    assert all(type(row.choice) is SeniorChoice for row in rows)
    return [(row.report_id, row.volunteer_id, row.choice) for row in rows]


async def test_grant_and_revoke_senior_are_audited_and_ranked(
    client: BotClient, db: AsyncSession
) -> None:
    chief = admin(client)
    await chief.send("/start")
    person = client.as_user(6001, username="Senior_Saule", language_code="en")
    await person.send("/start")
    granted = await chief.send("/grant_senior @senior_saule")
    assert f"{person.user_id} (@Senior_Saule) is now a senior volunteer." in text(
        granted, ADMIN_ID
    )
    told = text(granted, person.user_id)
    assert "You are now a senior volunteer" in told
    assert "/check" in told
    [menu] = [r for r in granted if isinstance(r, SetMyCommands)]
    assert menu.scope.chat_id == person.user_id  # type: ignore[union-attr]
    names = {c.command for c in menu.commands}
    assert "check" in names
    assert "queue" not in names
    assert (await _volunteer(db, person)).role == Role.SENIOR
    assert "/check" in text(await person.send("/help"))

    assert "already a senior" in text(await chief.send(f"/grant_senior {person.user_id}"))
    # /revoke takes only the moderator role: a senior stays a senior.
    assert "was not a moderator" in text(await chief.send(f"/revoke {person.user_id}"))
    assert (await _volunteer(db, person)).role == Role.SENIOR
    # Made a moderator, a senior is a moderator; /revoke_senior leaves a moderator alone.
    await chief.send(f"/grant {person.user_id}")
    assert (await _volunteer(db, person)).role == Role.MODERATOR
    kept = text(await chief.send(f"/revoke_senior {person.user_id}"))
    assert "was not a senior volunteer" in kept
    refused = text(await chief.send(f"/grant_senior {person.user_id}"))
    assert "is a moderator" in refused
    assert (await _volunteer(db, person)).role == Role.MODERATOR
    await chief.send(f"/revoke {person.user_id}")
    await chief.send(f"/grant_senior {person.user_id}")
    revoked = await chief.send(f"/revoke_senior {person.user_id}")
    assert "no longer a senior volunteer" in text(revoked, ADMIN_ID)
    [menu] = [r for r in revoked if isinstance(r, SetMyCommands)]
    assert "check" not in {c.command for c in menu.commands}
    assert (await _volunteer(db, person)).role == Role.VOLUNTEER

    chief_id = (await _volunteer(db, chief)).id
    person_id = (await _volunteer(db, person)).id
    changes = (await db.exec(select(RoleChange).order_by(col(RoleChange.id)))).all()
    assert [(c.from_role, c.to_role) for c in changes] == [
        (Role.VOLUNTEER, Role.SENIOR),
        (Role.SENIOR, Role.MODERATOR),
        (Role.MODERATOR, Role.VOLUNTEER),
        (Role.VOLUNTEER, Role.SENIOR),
        (Role.SENIOR, Role.VOLUNTEER),
    ]
    assert {c.actor_id for c in changes} == {chief_id}
    assert {c.volunteer_id for c in changes} == {person_id}
    assert all(type(c.to_role) is Role for c in changes)


async def test_only_administrators_grant_and_seniors_are_not_banned(
    client: BotClient, db: AsyncSession
) -> None:
    senior = await make_senior(client, 6011)
    moderator = await make_moderator(client, 6012)
    volunteer = client.as_user(6013, language_code="en")
    await volunteer.send("/start")
    for someone in (senior, moderator, volunteer):
        assert "moderators only" in text(await someone.send(f"/grant_senior {volunteer.user_id}"))
        assert "moderators only" in text(await someone.send("/seniors"))
    assert (await _volunteer(db, volunteer)).role == Role.VOLUNTEER
    # A ban would leave a role asleep under it: the role is taken back first.
    refused = text(await moderator.send(f"/ban {senior.user_id} spam"))
    assert "Senior volunteers cannot be banned" in refused
    assert (await _volunteer(db, senior)).banned_at is None
    for someone in (moderator, volunteer):
        assert text(await someone.send("/check")) == "This command is for senior volunteers."


async def test_check_shows_the_target_only_oldest_first_never_ones_own(client: BotClient) -> None:
    finder = client.as_user(6021, first_name="Aigerim", username="aigerim_secret")
    said = await finder.send("Видела на остановке t.me/precheck_shop, продают")
    first = int(NUMBER.findall(text(said))[0])
    senior = await make_senior(client, 6022, first_name="Saule")
    own = await report_link(client, 6022, "t.me/seniors_own_shop")
    await report_link(client, 6023, "t.me/precheck_shop")  # a confirmation: still one report
    card = await senior.send("/check")
    shown = text(card)
    assert f"#{first}" in shown
    assert "precheck_shop" in shown
    for secret in ("Aigerim", "aigerim_secret", str(finder.user_id), "Видела", "остановке",
                   "продают", "reported by", "2 volunteers", "new"):  # fmt: skip
        assert secret not in shown, secret
    assert [label for label in (DRUGS, NOT_DRUGS, UNSURE) if label in str(card)] == [
        DRUGS,
        NOT_DRUGS,
        UNSURE,
    ]
    after = await senior.press(card, UNSURE)
    assert check_number(after) is None  # their own report is never shown to them
    assert own != first


async def test_two_agreeing_votes_put_a_report_first_with_its_votes_on_the_card(
    client: BotClient, db: AsyncSession
) -> None:
    older = await report_link(client, 6031, "t.me/older_waiting_shop")
    newer = await report_link(client, 6032, "t.me/newer_called_shop")
    first, second = await make_senior(client, 6033), await make_senior(client, 6034)
    assert await vote(first, [UNSURE, DRUGS]) == [older, newer]
    assert (await report_row(db, newer)).seniors_say is None  # one vote is no call
    assert await vote(second, [UNSURE, DRUGS]) == [older, newer]
    assert (await report_row(db, newer)).seniors_say is SeniorChoice.DRUGS

    moderator = await make_moderator(client, 6035)
    card = await moderator.send("/queue")
    assert card_number(card) == newer
    shown = text(card)
    assert "Senior volunteers' votes: drugs 2 · not drugs 0 · not sure 0" in shown
    assert "moved up the queue" in shown
    for name in ("User6033", "User6034", str(first.user_id), str(second.user_id)):
        assert name not in shown
    full = text(await moderator.send(f"/report {newer}"))
    assert "drugs 2 · not drugs 0" in full
    older_card = text(await moderator.send(f"/report {older}"))
    assert "not sure 2" in older_card
    assert "moved up" not in older_card
    # A moderator still decides: the called report is new until they do.
    assert (await report_row(db, newer)).status == ReportStatus.NEW


async def test_seniors_say_not_drugs_flags_the_card_without_moving_it(
    client: BotClient, db: AsyncSession
) -> None:
    older = await report_link(client, 6041, "t.me/older_plain_shop")
    newer = await report_link(client, 6042, "t.me/cooking_blog_not_shop")
    for user_id in (6043, 6044):
        await vote(await make_senior(client, user_id), [UNSURE, NOT_DRUGS])
    assert (await report_row(db, newer)).seniors_say is SeniorChoice.NOT_DRUGS
    moderator = await make_moderator(client, 6045)
    assert card_number(await moderator.send("/queue")) == older
    flagged = text(await moderator.send(f"/report {newer}"))
    assert "Seniors say not drug-related" in flagged
    assert "not drugs 2" in flagged


async def _decided_history(client: BotClient) -> tuple[BotClient, BotClient, BotClient]:
    """Two decided reports: the first senior agreed with both decisions, the second with
    neither (min_decided is 2 here, so the second stops counting)."""
    accepted = await report_link(client, 6051, "t.me/agreement_sales_shop")
    rejected = await report_link(client, 6052, "t.me/agreement_cooking_blog")
    right, wrong = await make_senior(client, 6053), await make_senior(client, 6054)
    assert await vote(right, [DRUGS, NOT_DRUGS]) == [accepted, rejected]
    assert await vote(wrong, [NOT_DRUGS, DRUGS]) == [accepted, rejected]
    moderator = await make_moderator(client, 6055)
    await moderator.send(f"/accept {accepted} sales")
    card = await moderator.send("/queue")
    assert card_number(card) == rejected
    reasons = await moderator.press(card, "Reject")
    await moderator.press(reasons, "not drug-related")
    return right, wrong, moderator


async def test_agreement_after_moderators_decide(client: BotClient) -> None:
    right, wrong, _moderator = await _decided_history(client)
    undecided = await make_senior(client, 6056, username="new_senior")
    shown = text(await admin(client).send("/seniors"))
    lines = {line.split(":")[0]: line for line in shown.split("\n")}
    assert "votes 2, decided 2, agreement 100% · ✅ counts" in lines[str(right.user_id)]
    assert "votes 2, decided 2, agreement 0% · ⛔ does not count" in lines[str(wrong.user_id)]
    assert (
        "votes 0, decided 0, agreement — · ✅ counts"
        in lines[f"{undecided.user_id} (@new_senior)"]
    )


async def test_a_senior_who_stopped_counting_moves_nothing(
    client: BotClient, db: AsyncSession
) -> None:
    right, wrong, moderator = await _decided_history(client)
    older = await report_link(client, 6061, "t.me/after_history_older")
    newer = await report_link(client, 6062, "t.me/after_history_newer")
    third = await make_senior(client, 6063)
    assert await vote(wrong, [UNSURE, DRUGS]) == [older, newer]
    assert await vote(third, [UNSURE, DRUGS]) == [older, newer]
    # Two "drugs" votes, one of them from a senior who no longer counts: no call.
    assert (await report_row(db, newer)).seniors_say is None
    assert card_number(await moderator.send("/queue")) == older
    # A counting senior's vote makes it two counting votes: now it moves up.
    assert await vote(right, [UNSURE, DRUGS]) == [older, newer]
    assert card_number(await moderator.send("/queue")) == newer


async def test_old_buttons_of_a_revoked_senior_or_a_decided_report_change_nothing(
    client: BotClient, db: AsyncSession
) -> None:
    first = await report_link(client, 6071, "t.me/stale_card_shop")
    senior, other = await make_senior(client, 6072), await make_senior(client, 6073)
    card = await senior.send("/check")
    await admin(client).send(f"/revoke_senior {senior.user_id}")
    pressed = await senior.press(card, DRUGS)
    assert alerts(pressed) == [
        "You are no longer a senior volunteer, so this vote was not recorded. Thank you!"
    ]
    assert await _votes(db) == []
    assert text(await senior.send("/check")) == "This command is for senior volunteers."

    stale = await other.send("/check")
    moderator = await make_moderator(client, 6074)
    await moderator.send(f"/accept {first} sales")
    pressed = await other.press(stale, DRUGS)
    assert alerts(pressed) == [
        f"#{first} is no longer waiting for a pre-check; nothing was recorded."
    ]
    assert await _votes(db) == []
    assert check_number(pressed) is None


async def test_pressing_twice_votes_once(client: BotClient, db: AsyncSession) -> None:
    first = await report_link(client, 6081, "t.me/double_vote_shop")
    second = await report_link(client, 6082, "t.me/double_vote_next")
    senior = await make_senior(client, 6083)
    card = await senior.send("/check")
    once = await senior.press(card, DRUGS)
    twice = await senior.press(card, NOT_DRUGS)  # the same card, pressed again
    senior_id = (await _volunteer(db, senior)).id
    assert await _votes(db) == [(first, senior_id, SeniorChoice.DRUGS)]
    answers = [r.text for r in once + twice if isinstance(r, AnswerCallbackQuery)]
    assert answers == [
        f"Vote on #{first} saved.",
        f"You have already voted on #{first}; your vote stays as it was.",
    ]
    assert check_number(once) == second
    assert not any("went wrong" in t for t in texts(twice))


async def test_mydata_counts_a_seniors_votes(client: BotClient) -> None:
    await report_link(client, 6091, "t.me/mydata_vote_shop")
    senior = await make_senior(client, 6092)
    before = text(await senior.send("/mydata"))
    assert "votes as a senior volunteer" not in before
    await senior.press(await senior.send("/check"), UNSURE)
    shown = text(await senior.send("/mydata"))
    assert "Your votes as a senior volunteer: 1" in shown
