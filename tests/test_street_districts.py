"""Districts on the street track: walls placed by district button go to the crews, /assign
works without naming a district, and the crew file lists walls by their crew's district."""

import csv
import io

from aiogram.methods import SendDocument

from handlers.callbacks import GraffitiAction
from models.enums import District, ReportStatus
from tests.client import BotClient, text
from tests.conftest import ADMIN_ID
from tests.graffiti_helpers import jpeg, send_photo, wall_image
from tests.test_graffiti_e2e import draft_button, graffiti
from tests.test_graffiti_street import accept, status
from tests.test_intake_e2e import numbers


async def wall_in_district(client: BotClient, seed: int, district: District) -> int:
    """Photo, a district button, «Nothing readable»: the usual way a wall gets its district."""
    asked = await send_photo(client, jpeg(wall_image(seed)))
    handle_question = await client.click(
        draft_button(asked, GraffitiAction.DISTRICT, district.value)
    )
    saved = await client.click(draft_button(handle_question, GraffitiAction.NO_HANDLE))
    return numbers(text(saved))[0]


async def test_crew_batch_assigns_walls_that_have_a_district(client: BotClient, db) -> None:
    wall = await wall_in_district(client, 301, District.MEDEU)
    assert (await graffiti(db, wall)).district is District.MEDEU
    await accept(db, wall)
    moderator = client.as_user(ADMIN_ID)
    await moderator.send("/start")
    client.session.clear()  # type: ignore[attr-defined]
    done = text(await moderator.send("/graffiti_batch"))
    assert "1" in done and "пошло не так" not in done
    [csv_file] = [
        r
        for r in client.session.sent(SendDocument)  # type: ignore[attr-defined]
        if r.document.filename.endswith(".csv")
    ]
    rows = list(csv.reader(io.StringIO(csv_file.document.data.decode("utf-8-sig"))))
    assert rows[1][1] == f"#{wall}" and rows[1][2] == "Медеуский"
    assert await status(db, wall) == ReportStatus.ASSIGNED
    # Nothing is sent twice: the wall is no longer waiting.
    assert "Нет" in text(await moderator.send("/graffiti_batch"))


async def test_assign_without_a_district_uses_the_walls_own(client: BotClient, db) -> None:
    wall = await wall_in_district(client, 302, District.TURKSIB)
    await accept(db, wall)
    moderator = client.as_user(ADMIN_ID)
    await moderator.send("/start")
    reply = text(await moderator.send(f"/assign {wall}"))
    assert f"#{wall}" in reply and "пошло не так" not in reply
    assert await status(db, wall) == ReportStatus.ASSIGNED
    assert (await graffiti(db, wall)).assigned_district is District.TURKSIB
