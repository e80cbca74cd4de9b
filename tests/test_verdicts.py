"""/blocked and /declined: by numbers, by uploaded CSV/TXT lists, with confirmation for domains."""

from typing import Any

from aiogram.methods import AnswerCallbackQuery, EditMessageText, TelegramMethod
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import NoticeEvent, ReportStatus
from models.moderation import AuditEntry, Notice
from models.report import Report
from services import lifecycle, verdicts
from tests.support.client import (
    TELEGRAM_LIMIT,
    BotClient,
    buttons,
    find_button,
    message_text,
    texts,
)
from tests.support.recording_session import RecordingSession
from tests.support.report_setup import bulk_reports, make_reports, statuses
from tests.support.statements import statements
from tests.support.triage_helpers import admin
from tests.support.uploads import document, upload

S = ReportStatus


async def test_blocked_and_declined_by_number(client: BotClient, db: AsyncSession) -> None:
    sent = await make_reports(client, db, ["t.me/verdict_a", "t.me/verdict_b"], status=S.SENT)
    [online] = await make_reports(
        client, db, ["verdict-c.kz"], status=S.STILL_ONLINE, first_volunteer=3200
    )
    [new] = await make_reports(
        client, db, ["t.me/verdict_new"], first_volunteer=3300, status=S.NEW
    )

    reply = texts(await admin(client).send(f"/blocked #{sent[0]}, {online} {new} 999"))[-1]
    assert f"Marked as blocked: #{sent[0]}, #{online}." in reply
    assert f"#{new} — new, waiting for a moderator" in reply
    assert "#999 — no such report" in reply
    assert await statuses(db, [sent[0], online, new]) == [S.BLOCKED, S.BLOCKED, S.NEW]
    notices = (await db.exec(select(Notice).where(Notice.report_id == sent[0]))).all()
    assert [n.event for n in notices][-1] == NoticeEvent.BLOCKED  # the finder will hear of it

    reply = texts(await admin(client).send(f"/declined {sent[1]} no drug content found"))[-1]
    assert f"Marked as declined: #{sent[1]}." in reply
    db.expire_all()
    declined = await db.get(Report, sent[1])
    assert declined is not None
    assert declined.status == S.DECLINED
    assert declined.resolution_note == "no drug content found"
    audit = (
        await db.exec(
            select(AuditEntry)
            .where(AuditEntry.report_id == sent[1])
            .order_by(col(AuditEntry.id))  # without it PostgreSQL may return any order
        )
    ).all()
    assert audit[-1].to_status == S.DECLINED
    assert audit[-1].note == "no drug content found"

    # Already decided: neither verdict applies again.
    reply = texts(await admin(client).send(f"/declined {sent[0]}"))[-1]
    assert "Not changed" in reply
    assert "blocked" in reply
    assert await statuses(db, [sent[0]]) == [S.BLOCKED]


async def test_illegal_verdicts_refused(client: BotClient, db: AsyncSession) -> None:
    [new] = await make_reports(client, db, ["t.me/verdict_fresh"], status=S.NEW)
    [accepted] = await make_reports(client, db, ["t.me/verdict_ok"], first_volunteer=3400)
    reply = texts(await admin(client).send(f"/blocked {new} {accepted}"))[-1]
    assert "Marked as" not in reply
    assert "new, waiting for a moderator" in reply
    assert "accepted" in reply
    assert await statuses(db, [new, accepted]) == [S.NEW, S.ACCEPTED]
    assert "Use /blocked" in texts(await admin(client).send("/blocked"))[-1]
    assert "Use /declined" in texts(await admin(client).send("/declined soon"))[-1]


async def test_txt_list_exact_matches_and_unmatched(
    client: BotClient, db: AsyncSession, fake_session: RecordingSession
) -> None:
    links = ["shop-verdict.kz/catalog", "t.me/verdict_chan", "t.me/verdict_late"]
    ids = await make_reports(client, db, links, status=S.SENT)
    await make_reports(client, db, ["t.me/verdict_unsent"], first_volunteer=3500)
    data = (
        b"https://www.shop-verdict.kz/catalog/?utm_source=x\r\n"
        b"@Verdict_Chan\n\n"
        b"t.me/verdict_unsent\n"
        b"unknown-verdict.kz/page\n"
        b"not a link at all\n"
    )
    reply = texts(await upload(admin(client), fake_session, "blocked.txt", data))[-1]
    assert f"Marked as blocked: #{ids[0]}, #{ids[1]}." in reply
    assert "accepted" in reply  # t.me/verdict_unsent matched but was never sent
    assert "2 lines matched no report" in reply
    assert "<code>unknown-verdict.kz/page</code>" in reply
    assert "not a link at all" in reply
    assert await statuses(db, ids) == [S.BLOCKED, S.BLOCKED, S.SENT]


async def test_csv_list_with_url_column(
    client: BotClient, db: AsyncSession, fake_session: RecordingSession
) -> None:
    ids = await make_reports(client, db, ["t.me/verdict_csv", "csv-verdict.kz/x"], status=S.SENT)
    data = (
        "\ufeffНомер;Ссылка;Решение\r\n"
        f"{ids[0]};https://t.me/s/verdict_csv;заблокировано\r\n"
        "5;https://missing-verdict.kz/;заблокировано\r\n"
    ).encode()
    reply = texts(await upload(admin(client), fake_session, "reply.csv", data, mime="text/csv"))[
        -1
    ]
    assert f"Marked as blocked: #{ids[0]}." in reply
    assert "1 line matched no report" in reply
    assert "missing-verdict.kz" in reply
    assert "заблокировано" not in reply
    assert await statuses(db, ids) == [S.BLOCKED, S.SENT]


async def _domain_upload(
    client: BotClient, db: AsyncSession, fake_session: RecordingSession
) -> tuple[list[int], int, list[TelegramMethod[Any]]]:
    links = ["dom-verdict.kz/a", "shop.dom-verdict.kz/b", "t.me/verdict_exact"]
    ids = await make_reports(client, db, links, status=S.SENT)
    others = ["other-verdict.kz/a"]
    [other] = await make_reports(client, db, others, status=S.SENT, first_volunteer=3600)
    data = b"dom-verdict.kz\nt.me/verdict_exact\nnowhere-verdict.kz/x\n"
    requests = await upload(admin(client), fake_session, "list.txt", data)
    [preview] = [r for r in requests if getattr(r, "reply_markup", None) is not None]
    assert "dom-verdict.kz" in preview.text
    assert "nowhere-verdict.kz/x" in preview.text
    assert await statuses(db, [*ids, other]) == [S.SENT] * 4  # nothing before the answer
    confirm, cancel = [data for _, data in buttons(preview)]
    assert confirm.startswith("vl:1:")
    assert cancel == confirm.replace("vl:1:", "vl:0:")
    return ids, other, requests


async def test_domain_line_blocks_after_confirm(
    client: BotClient, db: AsyncSession, fake_session: RecordingSession
) -> None:
    ids, other, preview = await _domain_upload(client, db, fake_session)
    done = await admin(client).press(preview, "Confirm")
    [edit] = [r for r in done if isinstance(r, EditMessageText)]
    assert "Marked as blocked" in message_text(edit)
    assert "nowhere-verdict.kz/x" in message_text(edit)
    assert await statuses(db, [*ids, other]) == [S.BLOCKED] * 3 + [S.SENT]
    # The list was used up: a second press changes nothing.
    again = await admin(client).press(preview, "Confirm")
    [alert] = [r for r in again if isinstance(r, AnswerCallbackQuery)]
    assert "no longer waiting" in (alert.text or "")


async def test_domain_line_cancel_and_forged_buttons(
    client: BotClient, db: AsyncSession, fake_session: RecordingSession
) -> None:
    ids, other, preview = await _domain_upload(client, db, fake_session)
    # A volunteer replaying it, or a moderator with a made-up token, changes nothing.
    shown, confirm = find_button(preview, "Confirm")
    message_id = client.message_id_of(shown)
    volunteer = client.as_user(3000, language_code="en")
    refused = await volunteer.forge_press(confirm, message_id=message_id)
    assert any(isinstance(r, AnswerCallbackQuery) and r.show_alert for r in refused)
    forged = await admin(client).forge_press("vl:1:deadbeef", message_id=message_id)
    assert any(isinstance(r, AnswerCallbackQuery) and r.show_alert for r in forged)
    assert await statuses(db, [*ids, other]) == [S.SENT] * 4
    done = await admin(client).press(preview, "Cancel")
    assert "nothing was changed" in texts(done)[-1]
    assert await statuses(db, [*ids, other]) == [S.SENT] * 4
    await admin(client).press(preview, "Confirm")
    assert await statuses(db, ids) == [S.SENT] * 3


async def test_reply_to_a_document_and_limits(
    client: BotClient, db: AsyncSession, fake_session: RecordingSession
) -> None:
    [sent] = await make_reports(client, db, ["t.me/verdict_reply"], status=S.SENT)
    data = b"https://t.me/verdict_reply\n"
    fake_session.add_file("replied", data)
    carrier = client.message_update(extra={"document": document("replied", "l.txt", data)})
    reply = await admin(client).send("/blocked", extra={"reply_to_message": carrier["message"]})
    assert f"Marked as blocked: #{sent}." in texts(reply)[-1]

    too_many = "\n".join(f"t.me/verdict_{n:05d}" for n in range(5_002)).encode()
    reply = await upload(admin(client), fake_session, "many.txt", too_many)
    assert "too long" in texts(reply)[-1]
    big = document("big", "big.txt", b"x")
    big["file_size"] = 2_000_000
    reply = await admin(client).send(caption="/blocked", extra={"document": big})
    assert "1 MB" in texts(reply)[-1]
    picture = document("pic", "photo.jpg", b"x", mime="image/jpeg")
    reply = await admin(client).send(caption="/blocked", extra={"document": picture})
    assert "CSV or TXT" in texts(reply)[-1]


async def test_volunteer_cannot_record_verdicts(
    client: BotClient, db: AsyncSession, fake_session: RecordingSession
) -> None:
    [sent] = await make_reports(client, db, ["t.me/verdict_perm"], status=S.SENT)
    volunteer = client.as_user(3000, language_code="en")
    for command in [f"/blocked {sent}", f"/declined {sent} fake"]:
        assert texts(await volunteer.send(command)) == ["This command is for moderators only."]
    reply = await upload(volunteer, fake_session, "v.txt", b"t.me/verdict_perm\n")
    assert texts(reply) == ["This command is for moderators only."]
    assert await statuses(db, [sent]) == [S.SENT]


def test_reading_lists() -> None:
    assert verdicts.read_url_list(b"a.kz\r\n\r\n# note\n b.kz \n", as_csv=False) == [
        "a.kz",
        "b.kz",
    ]
    # Russian Excel saves CSV in cp1251 with semicolons; no URL column: the first one is read.
    data = "Сайт;Статус\nshop.kz/a;блок\n".encode("cp1251")
    assert verdicts.read_url_list(data, as_csv=True) == ["shop.kz/a"]
    assert verdicts.read_url_list(b"link,n\nt.me/x_shop,1\n", as_csv=True) == ["t.me/x_shop"]


async def test_subdomain_line_covers_only_that_host(client: BotClient, db: AsyncSession) -> None:
    links = ["sub-verdict.kz/a", "one.sub-verdict.kz/b", "two.sub-verdict.kz/c"]
    ids = await make_reports(client, db, links, status=S.SENT)
    match = await verdicts.match_url_list(db, ["one.sub-verdict.kz"])
    assert match.by_domain == {"one.sub-verdict.kz": [ids[1]]}
    assert not match.exact
    match = await verdicts.match_url_list(db, ["sub-verdict.kz", "sub-verdict.kz/a"])
    assert match.exact == [ids[0]]
    assert match.by_domain == {"sub-verdict.kz": [ids[1], ids[2]]}
    assert not match.unmatched


async def test_bulk_verdict_does_not_query_once_per_report(
    db: AsyncSession, engine: AsyncEngine
) -> None:
    """A 5,000-line /blocked list ran one SELECT per report while holding SQLite's write lock
    (8.5 s for 5,000 reports, past the 5 s busy timeout every volunteer's intake waits on)."""
    ids = await bulk_reports(db, 120, S.SENT)
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
    assert len(audits) == 120
    assert {a.note for a in audits} == {"list"}


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
    done = texts(await admin(client).press([preview], "Confirm"))
    assert all(len(t) <= TELEGRAM_LIMIT for t in done)
    assert await statuses(db, ids) == [S.BLOCKED] * 150
