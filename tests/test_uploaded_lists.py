"""/blocked lists as moderators really save them: UTF-16, cp1251, BOMs, and files that are not
text at all (an image renamed to .txt must get a clear refusal, not a crash or garbage)."""

import codecs

import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import ReportStatus
from services.text_files import NotTextError, decode_text
from tests.support.client import BotClient, texts
from tests.support.recording_session import RecordingSession
from tests.support.report_setup import make_reports, statuses
from tests.support.triage_helpers import admin
from tests.support.uploads import upload

LIST = "Ссылка\nhttps://t.me/verdict_enc\nмагазин-тест.kz/a\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"


@pytest.mark.parametrize(
    "data",
    [
        LIST.encode("utf-8"),
        LIST.encode("utf-8-sig"),
        LIST.encode("utf-16"),  # with its byte order mark, as Excel's "Unicode text"
        LIST.encode("utf-16-le"),
        LIST.encode("utf-16-be"),
        codecs.BOM_UTF32_LE + LIST.encode("utf-32-le"),
        LIST.encode("cp1251"),
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "utf16le", "utf16be", "utf32-bom", "cp1251"],
)
def test_every_encoding_reads_the_same_text(data: bytes) -> None:
    assert decode_text(data) == LIST


@pytest.mark.parametrize(
    "data",
    [
        PNG + bytes(range(256)) * 4,
        b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)),
        b"t.me/x\x01\x02\x03\x1b[0m",
    ],
    ids=["png", "zip", "controls"],
)
def test_binary_files_are_not_text(data: bytes) -> None:
    with pytest.raises(NotTextError):
        decode_text(data)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "cp1251"])
async def test_blocked_list_in_other_encodings_matches_reports(
    client: BotClient, db: AsyncSession, fake_session: RecordingSession, encoding: str
) -> None:
    ids = await make_reports(
        client, db, ["t.me/verdict_enc", "магазин-тест.kz/a"], status=ReportStatus.SENT
    )
    data = LIST.encode(encoding)
    reply = texts(await upload(admin(client), fake_session, "list.csv", data))[-1]
    assert f"Marked as blocked: #{ids[0]}, #{ids[1]}." in reply
    assert await statuses(db, ids) == [ReportStatus.BLOCKED] * 2


async def test_binary_file_named_txt_is_refused_clearly(
    client: BotClient, db: AsyncSession, fake_session: RecordingSession
) -> None:
    [sent] = await make_reports(client, db, ["t.me/verdict_png"], status=ReportStatus.SENT)
    reply = await upload(admin(client), fake_session, "list.txt", PNG + bytes(range(256)))
    assert texts(reply) == [
        "This file is not text. Send the list as a CSV or TXT file, one link a line."
    ]
    assert await statuses(db, [sent]) == [ReportStatus.SENT]
