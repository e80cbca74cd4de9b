"""Districts on the street track: walls placed by district button go to the crews, /assign
works without naming a district, and the crew file lists walls by their crew's district."""

import csv
import io
import json
import re

import pytest
from aiogram.methods import SendDocument, SendPhoto
from openpyxl import load_workbook
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enums import District, ReportStatus
from services.graffiti.districts import CENTRES_FILE, district_centres, suggest_district
from tests.support.accounts import ADMIN_ID
from tests.support.client import BotClient, buttons, numbers, text
from tests.support.graffiti_helpers import (
    NOTHING_READABLE,
    graffiti,
    jpeg,
    report_wall,
    send_photo,
    wall_image,
)
from tests.support.report_setup import accept, status
from tests.support.triage_helpers import alerts


async def wall_in_district(client: BotClient, seed: int, district: str) -> int:
    """Photo, a district button, «Nothing readable»: the usual way a wall gets its district."""
    asked = await send_photo(client, jpeg(wall_image(seed)))
    handle_question = await client.press(asked, district)
    saved = await client.press(handle_question, NOTHING_READABLE)
    return numbers(text(saved))[0]


async def test_crew_batch_assigns_walls_that_have_a_district(
    client: BotClient, db: AsyncSession
) -> None:
    wall = await wall_in_district(client, 301, "Медеуский")
    assert (await graffiti(db, wall)).district is District.MEDEU
    await accept(db, wall)
    moderator = client.as_user(ADMIN_ID)
    await moderator.send("/start")
    client.session.clear()
    done = text(await moderator.send("/graffiti_batch"))
    assert "1" in done
    assert "пошло не так" not in done
    [csv_file] = [
        r for r in client.session.sent(SendDocument) if r.document.filename.endswith(".csv")
    ]
    rows = list(csv.reader(io.StringIO(csv_file.document.data.decode("utf-8-sig"))))
    assert rows[1][1] == f"#{wall}"
    assert rows[1][2] == "Медеуский"
    # Names, sheet and values in the reader's language: no Latin words in Russian files.
    files = {r.document.filename.rsplit(".", 1)[1]: r for r in client.session.sent(SendDocument)}
    for name in (r.document.filename for r in files.values()):
        stem = name.rsplit(".", 1)[0]
        assert not re.search(r"[A-Za-z]", stem), name
    sheet = load_workbook(io.BytesIO(files["xlsx"].document.data)).active
    assert sheet.title == "Граффити"
    feature = json.loads(files["geojson"].document.data)["features"]
    assert feature == [] or feature[0]["properties"]["district"] == "Медеуский"
    assert await status(db, wall) == ReportStatus.ASSIGNED
    # Nothing is sent twice: the wall is no longer waiting.
    assert "Нет" in text(await moderator.send("/graffiti_batch"))


async def test_assign_without_a_district_uses_the_walls_own(
    client: BotClient, db: AsyncSession
) -> None:
    wall = await wall_in_district(client, 302, "Турксибский")
    await accept(db, wall)
    moderator = client.as_user(ADMIN_ID)
    await moderator.send("/start")
    reply = text(await moderator.send(f"/assign {wall}"))
    assert f"#{wall}" in reply
    assert "пошло не так" not in reply
    assert await status(db, wall) == ReportStatus.ASSIGNED
    assert (await graffiti(db, wall)).assigned_district is District.TURKSIB


# ~300 m north-east of each centre: well inside the district the centre stands for.
NEAR = 0.002


@pytest.mark.parametrize("district", list(District), ids=lambda d: d.value)
def test_suggested_district_near_each_centre(district: District) -> None:
    latitude, longitude = district_centres()[district]
    assert suggest_district(latitude + NEAR, longitude + NEAR) is district
    assert suggest_district(latitude - NEAR, longitude - NEAR) is district


def test_no_suggestion_outside_the_city() -> None:
    assert len(district_centres()) == 8
    assert suggest_district(43.65, 77.10) is None  # Kapchagay road, far north
    assert "source" in json.loads(CENTRES_FILE.read_text(encoding="utf-8"))


async def test_assign_without_district_asks_and_the_crew_file_carries_it(
    client: BotClient, db: AsyncSession
) -> None:
    wall = await report_wall(client, 311, point=(43.60, 77.20))  # outside: no suggestion
    await accept(db, wall)
    moderator = client.as_user(ADMIN_ID)
    await moderator.send("/start")
    asked = await moderator.send(f"/assign {wall}")
    [question] = [r for r in asked if buttons(r)]
    assert len(buttons(question)) == 8
    assert await status(db, wall) == ReportStatus.ACCEPTED
    done = text(await moderator.press(asked, "Алмалинский"))
    assert f"#{wall}" in done
    assert await status(db, wall) == ReportStatus.ASSIGNED
    assert (await graffiti(db, wall)).assigned_district is District.ALMALY
    # The wall assigned by hand goes out in that district's next crew file, once.
    client.session.clear()
    await moderator.send("/graffiti_batch Алмалинский")
    [csv_file] = [
        r.document
        for r in client.session.sent(SendDocument)
        if r.document.filename.endswith(".csv")
    ]
    rows = list(csv.reader(io.StringIO(csv_file.data.decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == [f"#{wall}"]
    assert rows[1][2] == "Алмалинский"
    assert "Нет" in text(await moderator.send("/graffiti_batch Алмалинский"))
    # A stale button after the question was answered does nothing.
    stale = await moderator.press(asked, "Алмалинский")
    assert alerts(stale) == ["Эта кнопка больше не действует."]
    assert (await graffiti(db, wall)).assigned_district is District.ALMALY


async def test_suggested_district_is_confirmed_from_the_card(
    client: BotClient, db: AsyncSession
) -> None:
    latitude, longitude = district_centres()[District.MEDEU]
    wall = await report_wall(client, 312, point=(latitude + NEAR, longitude))
    assert (await graffiti(db, wall)).suggested_district is District.MEDEU
    assert (await graffiti(db, wall)).district is None
    moderator = client.as_user(ADMIN_ID)
    await moderator.send("/start")
    client.session.clear()
    await moderator.send("/queue")
    [card] = client.session.sent(SendPhoto)
    assert "Медеуский" in card.caption
    listed = await moderator.press([card], "Другой")
    assert any(len(buttons(r)) == 8 for r in listed)
    await moderator.press([card], "Медеуский")
    details = await graffiti(db, wall)
    assert details.district is District.MEDEU
    assert details.suggested_district is None


async def test_verdicts_on_walls_name_the_street_steps(
    client: BotClient, db: AsyncSession
) -> None:
    painted = await report_wall(client, 321, point=(43.60, 77.21))
    waiting = await report_wall(client, 322, point=(43.61, 77.22))
    await accept(db, painted, waiting)
    moderator = client.as_user(ADMIN_ID)
    await moderator.send("/start")
    await moderator.send(f"/painted {painted}")
    back = text(await moderator.send(f"/reappeared {painted}"))
    assert "/graffiti_batch" in back
    assert "/batch " not in back
    assert await status(db, painted) == ReportStatus.REAPPEARED
    refused = text(await moderator.send(f"/reappeared {waiting}"))
    assert f"#{waiting}" in refused
    assert "/graffiti_batch" in refused
    assert "/batch " not in refused
    blocked = text(await moderator.send(f"/blocked {waiting}"))
    assert "/painted" in blocked
    assert "/graffiti_batch" in blocked
    assert await status(db, waiting) == ReportStatus.ACCEPTED
