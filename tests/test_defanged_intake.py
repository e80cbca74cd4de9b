"""A defanged link sent to the bot is a report of the link it stands for (item 12)."""

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import ReportStatus
from models.report import Report
from tests.support.client import BotClient, text, texts
from tests.support.recording_session import RecordingSession
from tests.support.report_setup import make_reports, statuses
from tests.support.triage_helpers import admin
from tests.support.uploads import upload


async def test_defanged_and_plain_spellings_are_one_report(
    client: BotClient, db: AsyncSession
) -> None:
    volunteer = client.as_user(1001, language_code="en")
    first = text(
        await volunteer.send("Found hxxps://shop-defanged[.]kz/catalog and t[.]me/defanged_x")
    )
    assert first.count("new report") == 2, first
    other = client.as_user(1002, language_code="en")
    again = text(await other.send("https://shop-defanged.kz/catalog and @defanged_x"))
    assert again.count("already reported") == 2, again
    keys = sorted(str(r.canonical_key) for r in (await db.exec(select(Report))).all())
    assert len(keys) == 2
    assert any("shop-defanged.kz/catalog" in k for k in keys)


async def test_defanged_lines_in_a_blocked_list_and_in_find(
    client: BotClient, db: AsyncSession, fake_session: RecordingSession
) -> None:
    ids = await make_reports(
        client, db, ["shop-defanged-list.kz/a", "t.me/defanged_list"], status=ReportStatus.SENT
    )
    found = text(await admin(client).send("/find hxxps://shop-defanged-list[.]kz/a"))
    assert f"#{ids[0]}" in found
    data = b"hxxps://shop-defanged-list[.]kz/a\nt[.]me/defanged_list\n"
    reply = texts(await upload(admin(client), fake_session, "list.txt", data))[-1]
    assert f"Marked as blocked: #{ids[0]}, #{ids[1]}." in reply
    assert await statuses(db, ids) == [ReportStatus.BLOCKED] * 2
