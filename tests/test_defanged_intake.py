"""A defanged link sent to the bot is a report of the link it stands for (item 12)."""

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.report import Report
from tests.client import BotClient, text


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
    keys = sorted(r.canonical_key for r in (await db.exec(select(Report))).all())
    assert len(keys) == 2 and any("shop-defanged.kz/catalog" in k for k in keys)
