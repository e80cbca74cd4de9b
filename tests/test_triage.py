"""Bulk triage commands, /report and /find; every legal and illegal transition they reach."""

import pytest
from sqlalchemy import func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import Category, ReportStatus
from models.moderation import AuditEntry
from models.report import Evidence, Report, Sighting
from models.volunteer import Volunteer
from services import lifecycle, triage
from services.report_numbers import first_mention, numbers_and_words, parse_number, parse_numbers
from services.triage import RefusalKind, parse_category, parse_merge
from tests.support.client import TELEGRAM_LIMIT, BotClient, text, texts
from tests.support.report_setup import bulk_reports, make_reports, statuses, wall_report
from tests.support.telegram_ids import tg_id
from tests.support.triage_helpers import (
    NUMBER,
    admin,
    audit,
    make_moderator,
    report_link,
    report_row,
)

S = ReportStatus


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12", ([12], "")),
        ("#12 #13", ([12, 13], "")),
        ("12,13, #14 sales", ([12, 13, 14], "sales")),
        ("12 13 not drug related", ([12, 13], "not drug related")),
        ("sales 12", ([], "sales 12")),
        ("12abc", ([], "12abc")),
        ("12 12", ([12], "")),
        ("", ([], "")),
    ],
)
def test_parse_numbers(typed: str, expected: tuple[list[int], str]) -> None:
    assert parse_numbers(typed) == expected


def test_one_number_words_among_numbers_and_a_mention() -> None:
    assert [parse_number(w) for w in ["12", "#12", " #7 ", "#", "12a", "", "²"]] == [
        12, 12, 7, None, None, None, None,
    ]  # fmt: skip
    assert numbers_and_words("12 Almaly #15,16") == ([12, 15, 16], ["Almaly"])
    assert numbers_and_words(None) == ([], [])
    # A long number is read whole (and then names no report), never cut to its first digits.
    assert first_mention("Wall #1234567890 saved, see #2") == 1234567890
    assert first_mention("no number here") is None


def test_parse_category_in_three_languages() -> None:
    assert parse_category("Sales") is Category.DRUG_SALES
    assert parse_category("продажа") is Category.DRUG_SALES
    assert parse_category("ПРОПАГАНДА") is Category.DRUG_PROPAGANDA
    assert parse_category("курьеры") is Category.COURIER_RECRUITMENT
    assert parse_category("басқа") is Category.OTHER_ILLEGAL
    assert parse_category("courier_recruitment") is Category.COURIER_RECRUITMENT
    assert parse_category("drugs") is None


def test_parse_merge() -> None:
    assert parse_merge("5 6 into 7") == ([5, 6], 7)
    assert parse_merge("#5,#6 INTO #7") == ([5, 6], 7)
    assert parse_merge("5 в 7") == ([5], 7)
    assert parse_merge("5 6 7") is None
    assert parse_merge("5 into") is None
    assert parse_merge("five into 7") is None


async def _reports(client: BotClient, count: int) -> list[int]:
    return [await report_link(client, 10 + n, f"t.me/shop_number_{n}") for n in range(count)]


async def _statuses(db: AsyncSession, report_ids: list[int]) -> list[ReportStatus]:
    return [(await report_row(db, report_id)).status for report_id in report_ids]


async def _audit_count(db: AsyncSession) -> int:
    return (await db.exec(select(func.count()).select_from(AuditEntry))).one()


async def test_accept_many_with_a_category(client: BotClient, db: AsyncSession) -> None:
    one, two, three = await _reports(client, 3)
    moderator = await make_moderator(client, 500)
    reply = text(await moderator.send(f"/accept {one}, #{two} продажа"))
    assert reply == f"Accepted (drug sales): #{one}, #{two}"
    assert await _statuses(db, [one, two, three]) == [S.ACCEPTED, S.ACCEPTED, S.NEW]
    assert (await report_row(db, one)).category == Category.DRUG_SALES
    actor = (await db.exec(select(Volunteer).where(Volunteer.telegram_id == tg_id(500)))).one()
    assert [(e.from_status, e.to_status, e.actor_id) for e in await audit(db, one)] == [
        (S.NEW, S.ACCEPTED, actor.id)
    ]


async def test_accept_needs_numbers_and_a_category(client: BotClient, db: AsyncSession) -> None:
    [one] = await _reports(client, 1)
    moderator = await make_moderator(client, 500)
    for command in ("/accept", f"/accept {one}", f"/accept {one} drugs", "/accept sales"):
        reply = text(await moderator.send(command))
        assert reply.startswith("Usage: /accept N… category"), command
        assert "sales, propaganda, couriers, other" in reply
    assert await _statuses(db, [one]) == [S.NEW]
    assert await _audit_count(db) == 0


async def test_accept_lists_what_was_refused_and_why(client: BotClient, db: AsyncSession) -> None:
    one, two, three = await _reports(client, 3)
    moderator = await make_moderator(client, 500)
    await moderator.send(f"/reject {two} not drugs")
    before = await _audit_count(db)
    reply = text(await moderator.send(f"/accept {one} {two} 999 other"))
    assert reply.splitlines() == [
        f"Accepted (other illegal content): #{one}",
        "Not changed:",
        f"• #{two} was not changed: its status is “rejected”.",
        "• #999: there is no such report.",
    ]
    assert await _statuses(db, [one, two, three]) == [S.ACCEPTED, S.REJECTED, S.NEW]
    assert await _audit_count(db) == before + 1


async def test_reject_many_with_a_reason(client: BotClient, db: AsyncSession) -> None:
    one, two = await _reports(client, 2)
    moderator = await make_moderator(client, 500)
    reply = text(await moderator.send(f"/reject {one} {two} a <i>cooking</i> channel"))
    assert reply == (f"Rejected: #{one}, #{two}\nReason: a &lt;i&gt;cooking&lt;/i&gt; channel")
    row = await report_row(db, one)
    assert (row.status, row.resolution_note) == (S.REJECTED, "a <i>cooking</i> channel")
    assert "Usage: /reject" in text(await moderator.send("/reject"))


async def test_reject_without_a_reason(client: BotClient, db: AsyncSession) -> None:
    [one] = await _reports(client, 1)
    moderator = await make_moderator(client, 500)
    assert text(await moderator.send(f"/reject #{one}")) == f"Rejected: #{one}"
    assert (await report_row(db, one)).resolution_note is None


@pytest.mark.parametrize(
    ("history", "command", "status"),
    [
        ([S.REJECTED], "/accept {n} sales", S.REJECTED),
        ([S.ACCEPTED], "/accept {n} sales", S.ACCEPTED),
        ([S.ACCEPTED], "/reject {n} no", S.ACCEPTED),
        ([S.ACCEPTED, S.SENT], "/reject {n} no", S.SENT),
        ([S.ACCEPTED, S.SENT], "/accept {n} sales", S.SENT),
        ([S.ACCEPTED, S.SENT, S.BLOCKED], "/reject {n}", S.BLOCKED),
        ([S.REJECTED], "/reject {n} twice", S.REJECTED),
    ],
)
async def test_illegal_transitions_are_refused(
    client: BotClient,
    db: AsyncSession,
    history: list[ReportStatus],
    command: str,
    status: ReportStatus,
) -> None:
    [report_id] = await _reports(client, 1)
    for step in history:
        await lifecycle.change_status(
            db, report_ids=[report_id], to=step, actor_id=None, category=Category.OTHER_ILLEGAL
        )
    moderator = await make_moderator(client, 500)
    before = await _audit_count(db)
    reply = text(await moderator.send(command.format(n=report_id)))
    assert reply.splitlines()[0] == "Not changed:"
    assert f"#{report_id} was not changed" in reply
    assert (await report_row(db, report_id)).status == status
    assert await _audit_count(db) == before


async def test_merge_keeps_every_sighting_and_credit(client: BotClient, db: AsyncSession) -> None:
    survivor = await report_link(client, 21, "https://shop-kz.kz/new-mirror")
    await report_link(client, 22, "shop-kz.kz/new-mirror")
    older = await report_link(client, 23, "shop-kz.kz")
    await report_link(client, 24, "shop-kz.kz/")
    evidence_source = await report_link(client, 25, "t.me/mirror_channel/15")
    # Made the oldest report: its finder must become the survivor's finder.
    early = await report_row(db, evidence_source)
    early.created_at = (await report_row(db, survivor)).created_at.replace(year=2025)
    db.add(early)
    await db.commit()
    moderator = await make_moderator(client, 500)
    stats_before = {
        user: text(await client.as_user(user, language_code="en").send("/stats"))
        for user in (21, 22, 23, 24, 25)
    }
    reply = text(await moderator.send(f"/merge {older} {evidence_source} into {survivor}"))
    assert reply == f"Merged into #{survivor}: #{older}, #{evidence_source}"
    sightings = (await db.exec(select(Sighting).where(Sighting.report_id == survivor))).all()
    volunteers = (await db.exec(select(Volunteer))).all()
    by_id = {v.id: v.telegram_id for v in volunteers}
    assert sorted(by_id[s.volunteer_id] for s in sightings) == [
        tg_id(n) for n in (21, 22, 23, 24, 25)
    ]
    row = await report_row(db, survivor)
    assert by_id[row.found_by_id or 0] == tg_id(25)  # the earliest sighting is now the find
    evidence = (await db.exec(select(Evidence).where(Evidence.report_id == survivor))).all()
    assert [e.url for e in evidence] == ["https://t.me/mirror_channel/15"]
    for report_id in (older, evidence_source):
        merged = await report_row(db, report_id)
        assert (merged.status, merged.merged_into_id) == (S.MERGED, survivor)
    for user, before in stats_before.items():
        after = text(await client.as_user(user, language_code="en").send("/stats"))
        assert before.splitlines()[1] == after.splitlines()[1]  # "Links sent: 1"
        assert "Links sent: 1" in after


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/merge {a} into {a}", "#{a}: a report cannot be merged into itself."),
        ("/merge {a} into {m}", "#{m} is itself merged into another report"),
        ("/merge {a} into 999", "#999: there is no such report to merge into."),
        ("/merge {x} into {a}", "#{x} was not changed: its status is “accepted”."),
        ("/merge {m} into {a}", "#{m} was not changed: its status is “merged into another"),
        ("/merge 998 into {a}", "#998: there is no such report."),
    ],
)
async def test_illegal_merges_are_refused(
    client: BotClient, db: AsyncSession, command: str, expected: str
) -> None:
    a, b, m, x = await _reports(client, 4)
    moderator = await make_moderator(client, 500)
    await moderator.send(f"/merge {m} into {b}")
    await moderator.send(f"/accept {x} sales")
    before = await _audit_count(db)
    sightings_before = (await db.exec(select(Sighting.report_id, Sighting.volunteer_id))).all()
    values = {"a": a, "m": m, "x": x}
    reply = text(await moderator.send(command.format(**values)))
    assert reply.splitlines()[0] == "Not changed:"
    assert expected.format(**values) in reply
    assert await _statuses(db, [a, b, m, x]) == [S.NEW, S.NEW, S.MERGED, S.ACCEPTED]
    assert await _audit_count(db) == before
    assert (await db.exec(select(Sighting.report_id, Sighting.volunteer_id))).all() == (
        sightings_before
    )


async def test_merge_usage(client: BotClient) -> None:
    moderator = await make_moderator(client, 500)
    for command in ("/merge", "/merge 5 6", "/merge 5 into"):
        assert text(await moderator.send(command)).startswith("Usage: /merge N… into M")


async def test_report_shows_history_evidence_and_reporters(client: BotClient) -> None:
    dana = client.as_user(31, first_name="Dana", username="dana_kz")
    number = int(NUMBER.findall(text(await dana.send("t.me/full_story/7")))[0])
    await report_link(client, 32, "@full_story")
    moderator = await make_moderator(client, 500, first_name="Serik")
    await moderator.send(f"/reject {number} not drugs")
    full = text(await moderator.send(f"/report #{number}"))
    assert f"<b>#{number}</b> · Telegram" in full
    assert "Status: rejected" in full
    assert "Reason: not drug-related" in full  # typed, stored as the preset
    assert "new, waiting for a moderator → rejected · Serik · not drug-related" in full
    assert "<code>https://t.me/full_story/7</code>" in full
    assert "<b>Reported by 2 volunteers</b>" in full
    assert f"Dana @dana_kz · <code>{tg_id(31)}</code>" in full
    assert "found it first" in full
    assert f"User32 · <code>{tg_id(32)}</code>" in full
    assert text(await moderator.send("/report 999")) == "There is no report #999."
    assert text(await moderator.send("/report")).startswith("Usage: /report N")


async def test_report_shows_the_merge(client: BotClient) -> None:
    one, two = await _reports(client, 2)
    moderator = await make_moderator(client, 500)
    await moderator.send(f"/merge {one} into {two}")
    full = text(await moderator.send(f"/report {one}"))
    assert f"Merged into #{two}." in full
    assert "<b>Reported by 0 volunteers</b>" in full  # the sightings moved to the survivor


async def test_find_by_link_domain_and_handle(client: BotClient, db: AsyncSession) -> None:
    page = await report_link(client, 41, "https://shop-kz.kz/catalog")
    other_page = await report_link(client, 42, "mirror.shop-kz.kz/x")
    channel = await report_link(client, 43, "t.me/Find_Me_Shop")
    await report_link(client, 44, "other-shop.kz")
    moderator = await make_moderator(client, 500)
    by_domain = text(await moderator.send("/find shop-kz.kz"))
    assert f"#{page} · <code>https://shop-kz.kz/catalog</code> · new" in by_domain
    assert f"#{other_page} ·" in by_domain
    assert "other-shop" not in by_domain
    by_page = text(await moderator.send("/find http://www.SHOP-KZ.kz/catalog/?utm_source=x"))
    assert f"#{page} ·" in by_page
    assert f"#{other_page} ·" not in by_page
    unknown_page = text(await moderator.send("/find shop-kz.kz/unknown"))
    assert f"#{page} ·" in unknown_page
    assert f"#{other_page} ·" in unknown_page
    assert f"#{channel} ·" in text(await moderator.send("/find @find_me_shop"))
    assert "No reports match" in text(await moderator.send("/find t.me/nobody_here"))
    assert "not a link" in text(await moderator.send("/find hello"))
    assert text(await moderator.send("/find")).startswith("Usage: /find")
    assert (await db.exec(select(func.count()).select_from(Report))).one() == 4


async def test_bulk_triage_answer_fits_one_message(client: BotClient, db: AsyncSession) -> None:
    """Repeating a bulk /accept listed one refusal line per number: 120 numbers already
    accepted made an answer over 4,096 characters, which Telegram refuses."""
    ids = await bulk_reports(db, 120, S.ACCEPTED)
    missing = list(range(900_000, 900_120))
    numbers = " ".join(str(n) for n in [*ids, *missing])
    for command in (f"/accept {numbers} sales", f"/reject {numbers} spam"):
        reply = text(await admin(client).send(command))
        assert len(reply) <= TELEGRAM_LIMIT, (command[:10], len(reply))
        assert "Not changed:" in reply
        assert f"#{ids[0]}" in reply
        assert "and 210 more" in reply
    sources = " ".join(str(n) for n in ids)
    reply = text(await admin(client).send(f"/merge {sources} into {ids[0]}"))
    assert len(reply) <= TELEGRAM_LIMIT


async def test_a_wall_and_an_online_target_cannot_be_merged(
    client: BotClient, db: AsyncSession
) -> None:
    """Merging a channel into a wall (a typo in `/merge 5 into 7`) hid the channel from every
    future /batch: a graffiti report is never sent to Кибернадзор. The other way round a wall
    vanished from the street lifecycle. Only like may merge with like."""
    channel = await report_link(client, 1, "t.me/kind_channel")
    other_channel = await report_link(client, 2, "t.me/kind_channel_two")
    wall = await wall_report(db, 77_001)
    other_wall = await wall_report(db, 77_002)
    moderator = await make_moderator(client, 500)
    for source, into in ((channel, wall), (wall, channel)):
        reply = text(await moderator.send(f"/merge {source} into {into}"))
        assert "Not changed:" in reply, reply
        assert "graffiti" in reply, reply
    assert await statuses(db, [channel, wall]) == [S.NEW, S.NEW]
    sightings = await db.exec(select(Sighting.report_id).where(Sighting.report_id == wall))
    assert len(sightings.all()) == 1
    # Like with like still merges, online kinds among themselves and walls among themselves.
    actor = (
        await db.exec(select(Volunteer.id).where(Volunteer.telegram_id == tg_id(500)))
    ).one() or 0
    result = await triage.merge(db, source_ids=[other_channel], into_id=channel, actor_id=actor)
    assert result.changed == [other_channel]
    result = await triage.merge(db, source_ids=[other_wall, channel], into_id=wall, actor_id=actor)
    assert result.changed == [other_wall]
    assert [(r.report_id, r.kind) for r in result.refused] == [(channel, RefusalKind.OTHER_KIND)]


async def test_too_long_numbers_name_no_report(client: BotClient, db: AsyncSession) -> None:
    """A number too long for an id column (a pasted phone number or Telegram id) reached the
    database, which refused it: the moderator got "something went wrong" instead of an answer."""
    [report] = await make_reports(client, db, ["t.me/long_number_shop"], status=S.NEW)
    # Past PostgreSQL's INTEGER, and past SQLite's 64-bit integers.
    for number in ("99999999999", "99999999999999999999"):
        answers = {
            f"/report {number}": f"There is no report #{number}.",
            f"/accept {report} {number} sales": f"#{number}: there is no such report.",
            f"/blocked {number}": "no such report",
            f"/batch {number}": f"There is no batch {number}.",
            f"/merge {report} into {number}": "there is no such report to merge into",
        }
        for command, expected in answers.items():
            answered = await admin(client).send(command)
            reply = texts(answered)
            assert any(expected in t for t in reply), (command, reply)
        # The number pasted into a card's buttons, on a message the bot did send.
        message_id = client.message_id_of(answered[-1])
        forged = await admin(client).forge_press(f"tq:a:{number}", message_id=message_id)
        assert not any("went wrong" in t for t in texts(forged))
        # Skip remembers the number for the round, and the next card is claimed without it.
        skipped = await admin(client).forge_press(f"tq:s:{number}", message_id=message_id)
        assert not any("went wrong" in t for t in texts(skipped))
    assert await statuses(db, [report]) == [S.ACCEPTED]
