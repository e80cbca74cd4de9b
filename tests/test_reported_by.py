"""One figure, one label: the queue card, /report and the batch file agree on how many
volunteers reported a target."""

import csv
import io

from aiogram.methods import SendDocument
from aiogram.types import BufferedInputFile

from services.batch_rows import HEADER
from tests.support.accounts import ADMIN_ID
from tests.support.client import BotClient, text
from tests.support.telegram_ids import tg_id

COLUMN = "Сообщили волонтёров"


async def test_card_report_and_batch_file_show_the_same_number(client: BotClient) -> None:
    finder = client.as_user(tg_id(120001))
    reply = text(await finder.send("t.me/counted_shop"))
    number = reply.split("#")[1].split()[0]
    await finder.send("https://t.me/counted_shop")  # the same volunteer again: still one
    await client.as_user(tg_id(120002)).send("@counted_shop")
    await client.as_user(tg_id(120003)).send("t.me/s/counted_shop")
    moderator = client.as_user(ADMIN_ID, language_code="en")

    card = [t for t in [getattr(r, "text", "") for r in await moderator.send("/queue")] if t]
    assert "Reported by 3 volunteers" in card[-1]
    assert "Reported by 3 volunteers" in text(await moderator.send(f"/report {number}"))

    await moderator.send(f"/accept {number} sales")
    [csv_request] = [
        r
        for r in await moderator.send("/batch")
        if isinstance(r, SendDocument) and (r.document.filename or "").endswith(".csv")  # type: ignore[union-attr]
    ]
    document = csv_request.document
    assert isinstance(document, BufferedInputFile)
    rows = list(csv.reader(io.StringIO(document.data.decode("utf-8-sig"))))
    assert rows[0] == HEADER
    assert COLUMN in HEADER
    assert rows[1][HEADER.index(COLUMN)] == "3"


async def test_the_label_reads_well_in_russian(client: BotClient) -> None:
    await client.as_user(tg_id(120004)).send("t.me/one_reporter_shop")
    card = [getattr(r, "text", "") for r in await client.as_user(ADMIN_ID).send("/queue")]
    assert "Сообщил 1 волонтёр" in card[-1]
