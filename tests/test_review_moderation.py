"""Defects found in review of the moderation feature, each pinned by a test."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiogram.methods import SendMessage
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import saved_id
from models.enums import ReportStatus, Role, TargetKind
from models.moderation import AuditEntry, Notice
from models.report import Report, Sighting
from models.volunteer import Volunteer
from services import lifecycle, triage
from services.triage import RefusalKind
from tests.support.accounts import ADMIN_ID
from tests.support.client import BotClient, text, texts
from tests.support.recording_session import NOT_MODIFIED, RecordingSession
from tests.support.report_setup import make_reports, statuses
from tests.support.telegram_ids import tg_id
from tests.support.triage_helpers import make_moderator, report_link
from tests.support.uploads import upload

S = ReportStatus
TELEGRAM_LIMIT = 4096


def admin(client: BotClient) -> BotClient:
    return client.as_user(ADMIN_ID, language_code="en")


@contextmanager
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(args[2])

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def _bulk_reports(db: AsyncSession, count: int, status: ReportStatus) -> list[int]:
    volunteers = [Volunteer(telegram_id=tg_id(70_000 + n)) for n in range(3)]
    db.add_all(volunteers)
    await db.flush()
    reports = [
        Report(
            canonical_key=f"bulk{n}.kz",
            kind=TargetKind.WEBSITE,
            display=f"bulk{n}.kz",
            status=status,
        )
        for n in range(count)
    ]
    db.add_all(reports)
    await db.flush()
    db.add_all(
        Sighting(
            report_id=saved_id(r),
            volunteer_id=saved_id(v),
            chat_id=tg_id(1),
            message_id=1,
            text_as_sent="x",
        )
        for r in reports
        for v in volunteers[:2]
    )
    await db.commit()
    return [saved_id(r) for r in reports]


async def test_bulk_verdict_does_not_query_once_per_report(
    db: AsyncSession, engine: AsyncEngine
) -> None:
    """A 5,000-line /blocked list ran one SELECT per report while holding SQLite's write lock
    (8.5 s for 5,000 reports, past the 5 s busy timeout every volunteer's intake waits on)."""
    ids = await _bulk_reports(db, 120, S.SENT)
    with statements(engine) as seen:
        result = await lifecycle.change_status(
            db, report_ids=ids, to=S.BLOCKED, actor_id=None, why=lifecycle.Why(text="list")
        )
    assert len(result.changed) == 120
    selects = [s for s in seen if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 5, len(selects)
    db.expire_all()
    notices = (await db.exec(select(Notice))).all()
    assert len(notices) == 240  # two volunteers per report, each still told
    assert {n.event for n in notices} == {"blocked"}
    audits = (await db.exec(select(AuditEntry))).all()
    assert len(audits) == 120 and {a.note for a in audits} == {"list"}


async def test_domain_list_preview_fits_one_message(
    client: BotClient, db: AsyncSession, fake_session: RecordingSession
) -> None:
    """Every domain line of a regulator's list was listed in the preview: 150 of them made a
    message Telegram refuses, so the moderator got an error and could not confirm anything."""
    links = [f"https://preview{n}-verdict.kz/catalog" for n in range(150)]
    ids = await make_reports(client, db, links, status=S.SENT, first_volunteer=40_000)
    data = "\n".join(f"preview{n}-verdict.kz" for n in range(150)).encode()
    requests = await upload(admin(client), fake_session, "domains.txt", data)
    [preview] = [r for r in requests if getattr(r, "reply_markup", None) is not None]
    assert len(preview.text) <= TELEGRAM_LIMIT
    assert "preview0-verdict.kz" in preview.text
    confirm = preview.reply_markup.inline_keyboard[0][0].callback_data
    done = texts(await admin(client).click(confirm))
    assert all(len(t) <= TELEGRAM_LIMIT for t in done)
    assert await statuses(db, ids) == [S.BLOCKED] * 150


async def test_bulk_triage_answer_fits_one_message(client: BotClient, db: AsyncSession) -> None:
    """Repeating a bulk /accept listed one refusal line per number: 120 numbers already
    accepted made an answer over 4,096 characters, which Telegram refuses."""
    ids = await _bulk_reports(db, 120, S.ACCEPTED)
    missing = list(range(900_000, 900_120))
    numbers = " ".join(str(n) for n in [*ids, *missing])
    for command in (f"/accept {numbers} sales", f"/reject {numbers} spam"):
        reply = text(await admin(client).send(command))
        assert len(reply) <= TELEGRAM_LIMIT, (command[:10], len(reply))
        assert "Not changed:" in reply
        assert f"#{ids[0]}" in reply and "and 210 more" in reply
    sources = " ".join(str(n) for n in ids)
    reply = text(await admin(client).send(f"/merge {sources} into {ids[0]}"))
    assert len(reply) <= TELEGRAM_LIMIT


async def test_role_commands_escape_what_was_typed(client: BotClient, db: AsyncSession) -> None:
    """The unknown-person answer echoed the typed reference into HTML: `/ban <id>` (as the
    menu writes it) made Telegram refuse the answer."""
    for command in ("/ban <id>", "/grant <b>x"):
        reply = text(await admin(client).send(command))
        assert "&lt;" in reply and "<id>" not in reply and "<b>" not in reply


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


async def _graffiti(db: AsyncSession, volunteer_telegram_id: int) -> int:
    volunteer = Volunteer(telegram_id=tg_id(volunteer_telegram_id))
    db.add(volunteer)
    await db.flush()
    wall = Report(kind=TargetKind.GRAFFITI, display="wall", found_by_id=volunteer.id)
    db.add(wall)
    await db.flush()
    db.add(
        Sighting(
            report_id=saved_id(wall),
            volunteer_id=saved_id(volunteer),
            chat_id=tg_id(1),
            message_id=1,
            text_as_sent="photo",
        )
    )
    await db.commit()
    return saved_id(wall)


async def test_a_wall_and_an_online_target_cannot_be_merged(
    client: BotClient, db: AsyncSession
) -> None:
    """Merging a channel into a wall (a typo in `/merge 5 into 7`) hid the channel from every
    future /batch: a graffiti report is never sent to Кибернадзор. The other way round a wall
    vanished from the street lifecycle. Only like may merge with like."""
    channel = await report_link(client, 1, "t.me/kind_channel")
    other_channel = await report_link(client, 2, "t.me/kind_channel_two")
    wall = await _graffiti(db, 77_001)
    other_wall = await _graffiti(db, 77_002)
    moderator = await make_moderator(client, 500)
    for source, into in ((channel, wall), (wall, channel)):
        reply = text(await moderator.send(f"/merge {source} into {into}"))
        assert "Not changed:" in reply and "graffiti" in reply, reply
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


async def test_queue_card_typed_duplicate_of_another_kind_may_be_retried(
    client: BotClient, db: AsyncSession
) -> None:
    """On a card, a number of the other kind is a wrong number: the moderator may send another."""
    channel = await report_link(client, 1, "t.me/kind_card_one")
    duplicate = await report_link(client, 2, "t.me/kind_card_two")
    wall = await _graffiti(db, 77_003)
    moderator = await make_moderator(client, 500)
    card = await moderator.send("/queue")
    [data] = [
        b.callback_data
        for r in card
        if isinstance(r, SendMessage) and r.reply_markup is not None
        for row in r.reply_markup.inline_keyboard  # type: ignore[union-attr]
        for b in row
        if "Duplicate" in b.text
    ]
    await moderator.click(data or "", message_id=5)
    reply = text(await moderator.send(f"#{wall}"))
    assert "Send another number" in reply
    reply = texts(await moderator.send(f"#{duplicate}"))[-1]
    assert "merged into" in reply
    assert await statuses(db, [channel, duplicate, wall]) == [S.MERGED, S.NEW, S.NEW]


async def test_double_press_on_accept_is_not_an_error(
    client: BotClient, db: AsyncSession, fake_session: RecordingSession
) -> None:
    """A second press of Accept (a slow network) asks Telegram for the keyboard already shown,
    which it refuses as "not modified": the moderator got "something went wrong"."""
    first = await report_link(client, 1, "t.me/double_press")
    moderator = await make_moderator(client, 500)
    card = await moderator.send("/queue")
    [accept] = [
        b.callback_data or ""
        for r in card
        if isinstance(r, SendMessage) and r.reply_markup is not None
        for row in r.reply_markup.inline_keyboard  # type: ignore[union-attr]
        for b in row
        if "Accept" in b.text
    ]
    await moderator.click(accept, message_id=5)
    fake_session.fail_next(
        "EditMessageReplyMarkup",
        description=NOT_MODIFIED,
    )
    again = await moderator.click(accept, message_id=5)
    assert not any("went wrong" in t for t in texts(again))
    assert await statuses(db, [first]) == [S.NEW]


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
            reply = texts(await admin(client).send(command))
            assert any(expected in t for t in reply), (command, reply)
        forged = await admin(client).click(f"tq:a:{number}")
        assert not any("went wrong" in t for t in texts(forged))
        # Skip remembers the number for the round, and the next card is claimed without it.
        skipped = await admin(client).click(f"tq:s:{number}")
        assert not any("went wrong" in t for t in texts(skipped))
    assert await statuses(db, [report]) == [S.ACCEPTED]
