"""/batch: files for Кибернадзор, reports marked sent only after both files were delivered."""

import csv
import io
import re
from datetime import datetime

import pytest
from aiogram.methods import DeleteMessage, EditMessageText, SendDocument, SendMessage
from aiogram.types import BufferedInputFile
from openpyxl import load_workbook
from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import saved_id
from models.enums import Category, ReportStatus, TargetKind
from models.moderation import AuditEntry, Batch
from models.report import Report
from services.batch_rows import HEADER
from tests.support.accounts import ADMIN_ID
from tests.support.client import BotClient, message_text, texts
from tests.support.recording_session import RecordingSession
from tests.support.report_setup import make_reports, statuses

S = ReportStatus
LINKS = ["https://t.me/batch_shop_one/123", "shop-batch.kz/catalog", "instagram.com/batch_ads"]


def moderator(client: BotClient) -> BotClient:
    return client.as_user(ADMIN_ID, language_code="en")


def documents(requests: list) -> list[SendDocument]:
    return [r for r in requests if isinstance(r, SendDocument)]


def payload(request: SendDocument) -> tuple[str, bytes]:
    document = request.document
    assert isinstance(document, BufferedInputFile)
    return document.filename or "", document.data


async def count(db: AsyncSession, model: type) -> int:
    return (await db.exec(select(func.count()).select_from(model))).one()


async def test_batch_files_and_reports_marked_sent(client: BotClient, db: AsyncSession) -> None:
    ids = await make_reports(client, db, LINKS)
    await client.as_user(3100).send("@batch_shop_one")  # a confirmation: two volunteers
    requests = await moderator(client).send("/batch")

    csv_request, xlsx_request = documents(requests)
    csv_name, csv_data = payload(csv_request)
    xlsx_name, xlsx_data = payload(xlsx_request)
    db.expire_all()
    batch = (await db.exec(select(Batch))).one()
    assert re.fullmatch(rf"кибернадзор_пакет_{batch.id}_\d{{4}}-\d\d-\d\d\.csv", csv_name)
    assert xlsx_name == csv_name.removesuffix(".csv") + ".xlsx"

    assert csv_data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(csv_data.decode("utf-8-sig"))))
    assert rows[0] == HEADER
    assert [row[1] for row in rows[1:]] == [f"#{i}" for i in ids]
    first = rows[1]
    assert first[0] == "1"
    assert first[2] == "https://t.me/batch_shop_one"
    assert first[3] == "tg:batch_shop_one"
    assert first[4] == "признаки пропаганды наркотиков"
    assert first[5] == "канал/группа/бот (Telegram)"
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", first[6])
    assert first[7] == "2"
    assert "https://t.me/batch_shop_one/123" in first[8]
    assert [row[5] for row in rows[2:]] == ["сайт", "аккаунт/пост (instagram.com)"]

    sheet = load_workbook(io.BytesIO(xlsx_data)).active
    assert [cell.value for cell in sheet[1]] == HEADER
    assert sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == 4
    assert sheet["B2"].value == f"#{ids[0]}"
    assert sheet["H2"].value == 2
    assert isinstance(sheet["G2"].value, datetime)
    assert sheet["E3"].value == "признаки пропаганды наркотиков"

    assert await statuses(db, ids) == [S.SENT] * 3
    batch = (await db.exec(select(Batch))).one()
    reports = (await db.exec(select(Report).where(col(Report.id).in_(ids)))).all()
    assert {r.batch_id for r in reports} == {batch.id}
    assert batch.report_count == 3
    assert batch.csv_file_id
    assert batch.xlsx_file_id
    assert batch.csv_file_id != batch.xlsx_file_id
    audit = (await db.exec(select(AuditEntry).where(AuditEntry.to_status == S.SENT))).all()
    assert sorted(a.report_id for a in audit) == ids
    assert all(a.from_status == S.ACCEPTED and a.actor_id is not None for a in audit)
    final = texts(requests)[-1]
    assert f"Batch {batch.id}: 3 reports marked as sent" in final


@pytest.mark.parametrize("failing", [0, 1], ids=["first document", "second document"])
async def test_failed_delivery_changes_nothing(
    client: BotClient, db: AsyncSession, fake_session: RecordingSession, failing: int
) -> None:
    ids = await make_reports(client, db, LINKS)
    fake_session.fail_next("SendDocument", skip=failing)
    requests = await moderator(client).send("/batch")
    assert len(documents(requests)) == failing + 1
    assert "nothing was marked as sent" in texts(requests)[-1]
    assert await statuses(db, ids) == [S.ACCEPTED] * 3
    assert await count(db, Batch) == 0
    db.expire_all()
    assert (await db.exec(select(AuditEntry).where(AuditEntry.to_status == S.SENT))).all() == []
    if failing:  # the lone CSV is taken back so nobody forwards a batch that does not exist
        assert any(isinstance(r, DeleteMessage) for r in requests)

    # The claims were released: the next attempt sends all three.
    again = await moderator(client).send("/batch")
    assert len(documents(again)) == 2
    assert await statuses(db, ids) == [S.SENT] * 3
    assert await count(db, Batch) == 1


async def test_batch_number_resends_by_file_id(client: BotClient, db: AsyncSession) -> None:
    await make_reports(client, db, LINKS[:2])
    await moderator(client).send("/batch")
    db.expire_all()
    batch = (await db.exec(select(Batch))).one()
    again = documents(await moderator(client).send(f"/batch {batch.id}"))
    assert [r.document for r in again] == [batch.csv_file_id, batch.xlsx_file_id]
    assert await count(db, Batch) == 1
    missing = await moderator(client).send("/batch 999")
    assert "There is no batch 999" in texts(missing)[-1]
    assert not documents(missing)


async def test_category_filter(client: BotClient, db: AsyncSession) -> None:
    sales = await make_reports(client, db, LINKS[:2], category=Category.DRUG_SALES)
    propaganda = await make_reports(client, db, ["t.me/batch_propaganda"], first_volunteer=3500)
    requests = await moderator(client).send("/batch пропаганда")
    [csv_request, _] = documents(requests)
    rows = list(csv.reader(io.StringIO(payload(csv_request)[1].decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == [f"#{propaganda[0]}"]
    assert await statuses(db, propaganda) == [S.SENT]
    assert await statuses(db, sales) == [S.ACCEPTED, S.ACCEPTED]
    db.expire_all()
    assert (await db.exec(select(Batch))).one().category == Category.DRUG_PROPAGANDA

    requests = await moderator(client).send("/batch sales")
    [csv_request, _] = documents(requests)
    assert "продажа наркотиков" in payload(csv_request)[1].decode("utf-8-sig")
    assert await statuses(db, sales) == [S.SENT, S.SENT]
    assert "/batch sales" in texts(await moderator(client).send("/batch nonsense"))[-1]


async def test_reappeared_included_graffiti_and_others_not(
    client: BotClient, db: AsyncSession
) -> None:
    [again] = await make_reports(client, db, ["t.me/batch_back"], status=S.REAPPEARED)
    [fresh] = await make_reports(client, db, ["fresh-batch.kz"], first_volunteer=3600)
    [blocked] = await make_reports(
        client, db, ["t.me/batch_gone"], status=S.BLOCKED, first_volunteer=3700
    )
    [new] = await make_reports(client, db, ["t.me/batch_new"], status=S.NEW, first_volunteer=3800)
    wall = Report(kind=TargetKind.GRAFFITI, display="wall", status=S.ACCEPTED)
    db.add(wall)
    await db.commit()

    requests = await moderator(client).send("/batch")
    rows = list(csv.reader(io.StringIO(payload(documents(requests)[0])[1].decode("utf-8-sig"))))
    assert sorted(row[1] for row in rows[1:]) == sorted([f"#{again}", f"#{fresh}"])
    assert any("повторно" in row[8] for row in rows[1:])
    assert await statuses(db, [again, fresh, blocked, new, saved_id(wall)]) == [
        S.SENT,
        S.SENT,
        S.BLOCKED,
        S.NEW,
        S.ACCEPTED,
    ]
    db.expire_all()
    latest = (await db.exec(select(Batch).order_by(col(Batch.id).desc()))).first()
    assert latest is not None
    resent = await db.get(Report, again)
    assert resent is not None
    assert resent.batch_id == latest.id


async def test_nothing_to_send_and_batches_list(client: BotClient, db: AsyncSession) -> None:
    assert "Nothing to send" in texts(await moderator(client).send("/batch"))[-1]
    assert "No batches yet" in texts(await moderator(client).send("/batches"))[-1]
    await make_reports(client, db, LINKS[:1])
    await moderator(client).send("/batch")
    await make_reports(client, db, LINKS[1:], category=Category.DRUG_SALES, first_volunteer=3300)
    await moderator(client).send("/batch продажа")
    listing = texts(await moderator(client).send("/batches"))[-1]
    lines = listing.splitlines()
    assert lines[1].startswith("Batch 2")
    assert "2 reports" in lines[1]
    assert "drug sales" in lines[1]
    assert lines[2].startswith("Batch 1")
    assert "1 report ·" in lines[2]
    assert "all categories" in lines[2]


async def test_large_batch_progress_in_one_message(client: BotClient, db: AsyncSession) -> None:
    await moderator(client).send("/start")
    db.add_all(
        Report(
            canonical_key=f"bulk-{n}.kz",
            kind=TargetKind.WEBSITE,
            display=f"https://bulk-{n}.kz",
            site_key=f"bulk-{n}.kz",
            status=S.ACCEPTED,
            category=Category.DRUG_SALES,
        )
        for n in range(1234)
    )
    await db.commit()
    requests = await moderator(client).send("/batch")
    messages = [r for r in requests if isinstance(r, SendMessage)]
    edits = [r for r in requests if isinstance(r, EditMessageText)]
    assert len(messages) == 1
    assert "Preparing 1,234 reports" in messages[0].text
    assert edits
    assert len({e.message_id for e in edits}) == 1
    assert "1234 reports marked as sent" in message_text(edits[-1])
    rows = list(
        csv.reader(io.StringIO(payload(documents(requests)[1 - 1])[1].decode("utf-8-sig")))
    )
    assert len(rows) == 1235
    assert await count(db, Batch) == 1


async def test_volunteer_cannot_batch(client: BotClient, db: AsyncSession) -> None:
    ids = await make_reports(client, db, LINKS[:2])
    volunteer = client.as_user(3000, language_code="en")
    for command in ["/batch", "/batch 1", "/batches"]:
        requests = await volunteer.send(command)
        assert texts(requests) == ["This command is for moderators only."]
        assert not documents(requests)
    assert await statuses(db, ids) == [S.ACCEPTED, S.ACCEPTED]
    assert await count(db, Batch) == 0


@pytest.mark.parametrize(
    ("language", "links", "preparing"),
    [
        ("en", LINKS[:1], "Preparing 1 report… 0%"),
        ("en", LINKS[:2], "Preparing 2 reports… 0%"),
        ("ru", LINKS[:1], "Готовлю 1 жалобу… 0%"),
        ("ru", LINKS[:2], "Готовлю 2 жалобы… 0%"),
        ("kk", LINKS[:1], "1 шағым дайындалуда… 0%"),
    ],
)
async def test_progress_counts_reports_in_the_moderators_language(
    client: BotClient, db: AsyncSession, language: str, links: list[str], preparing: str
) -> None:
    await make_reports(client, db, links)
    requests = await client.as_user(ADMIN_ID, language_code=language).send("/batch")
    status = next(r for r in requests if isinstance(r, SendMessage))
    assert status.text == preparing
