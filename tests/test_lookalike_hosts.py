"""Look-alike hosts (item 10): `kаspi.kz` with a Cyrillic "а" is shown in punycode with a
warning on the moderator's card, and the regulator's batch file carries a note."""

import csv
import io

from aiogram.methods import SendDocument
from aiogram.types import BufferedInputFile
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import TargetKind
from services.identity import Target, canonicalize
from services.identity.lookalike import is_mixed_script, safe_display
from tests.support.accounts import ADMIN_ID
from tests.support.client import BotClient, text
from tests.support.report_setup import make_reports

LOOKALIKE = "https://k\u0430spi.kz/pay"  # Cyrillic "а" among Latin letters
PUNYCODE = "https://xn--kspi-53d.kz/pay"


def test_mixed_scripts_within_a_label_only() -> None:
    assert is_mixed_script("k\u0430spi.kz")
    assert is_mixed_script("xn--kspi-53d.kz")
    assert is_mixed_script("p\u0430ypal.com")
    for ordinary in ["kaspi.kz", "магазин.kz", "шоп.рф", "қазақ.kz", "日本ひらがな.jp"]:
        assert not is_mixed_script(ordinary), ordinary


def test_lookalike_display_is_punycode_even_for_reports_stored_in_unicode() -> None:
    target = canonicalize(LOOKALIKE)
    assert isinstance(target, Target)
    assert target.display == PUNYCODE
    old = safe_display(TargetKind.WEBSITE, target.key, LOOKALIKE)  # stored before the check
    assert old == PUNYCODE
    ordinary = canonicalize("https://магазин.kz/a")
    assert isinstance(ordinary, Target)
    assert ordinary.display == "https://магазин.kz/a"


async def test_card_warns_and_batch_file_notes_lookalikes(
    client: BotClient, db: AsyncSession
) -> None:
    volunteer = client.as_user(3000, language_code="en")
    told = text(await volunteer.send(LOOKALIKE))
    assert PUNYCODE in told
    assert "k\u0430spi" not in told
    ordinary = text(await client.as_user(3001).send("https://магазин-ок.kz/a"))
    ordinary_id = ordinary.split("#", 1)[1].split(" ", 1)[0]

    moderator = client.as_user(ADMIN_ID, language_code="en")
    card = text(await moderator.send("/queue"))
    assert f"<code>{PUNYCODE}</code>" in card
    assert "⚠️ Look-alike address" in card
    second = text(await moderator.send(f"/report {ordinary_id}"))
    assert "Look-alike" not in second
    assert "магазин-ок.kz" in second

    await make_reports(client, db, ["https://p\u0430ypal-shop.kz/x"], first_volunteer=3100)
    requests = await moderator.send("/batch")
    [csv_file] = [
        r.document
        for r in requests
        if isinstance(r, SendDocument) and isinstance(r.document, BufferedInputFile)
        and (r.document.filename or "").endswith(".csv")
    ]  # fmt: skip
    assert isinstance(csv_file, BufferedInputFile)
    [_, row] = list(csv.reader(io.StringIO(csv_file.data.decode("utf-8-sig"))))
    assert row[2].startswith("https://xn--")
    assert "p\u0430ypal" not in row[2]
    assert "смешивает буквы разных алфавитов" in row[8]
