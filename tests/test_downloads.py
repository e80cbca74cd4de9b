"""A failed download: the user is asked to send the file again, and the token stays out of logs
(the real process's log too: tests/test_polling.py)."""

import logging

import pytest
from aiogram.methods import SendPhoto
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.log_redaction import TokenRedactingFilter, redact
from models.graffiti import GraffitiDraft
from tests.support.accounts import ADMIN_ID, TEST_TOKEN
from tests.support.client import BotClient, numbers, text, texts
from tests.support.graffiti_helpers import add_photo, jpeg, photo_sizes, send_location, wall_image
from tests.support.recording_session import RecordingSession
from tests.support.uploads import document

AGAIN = "Please send it again"


def _logged(caplog: pytest.LogCaptureFixture) -> str:
    formatter = logging.Formatter("%(levelname)s %(name)s %(message)s")
    return "\n".join(formatter.format(record) for record in caplog.records)


async def test_a_failed_photo_download_asks_again_and_logs_no_token(
    client: BotClient, db: AsyncSession, caplog: pytest.LogCaptureFixture
) -> None:
    volunteer = client.as_user(1701, language_code="en")
    file_id, unique = add_photo(volunteer, jpeg(wall_image(1)))
    volunteer.session.fail_download(file_id)
    with caplog.at_level(logging.INFO):
        reply = text(await volunteer.send(extra={"photo": photo_sizes(file_id, unique)}))
    assert AGAIN in reply
    assert (await db.exec(select(GraffitiDraft))).all() == []
    logged = _logged(caplog)
    assert "download of" in logged
    assert "502" in logged
    assert TEST_TOKEN not in logged
    assert TEST_TOKEN.split(":")[1] not in logged

    sent_again = await volunteer.send(extra={"photo": photo_sizes(file_id, unique)})
    assert AGAIN not in "\n".join(texts(sent_again))
    assert (await db.exec(select(GraffitiDraft))).one()


async def test_a_failed_list_download_asks_again(
    client: BotClient, fake_session: RecordingSession
) -> None:
    moderator = client.as_user(ADMIN_ID, language_code="en")
    data = b"https://shop.example\n"
    fake_session.add_file("list-x", data)
    fake_session.fail_download("list-x")
    reply = await moderator.send(
        caption="/blocked", extra={"document": document("list-x", "x.txt", data, "text/plain")}
    )
    assert AGAIN in text(reply)


async def test_photo_tells_the_moderator_what_could_not_be_fetched(
    client: BotClient, fake_session: RecordingSession
) -> None:
    volunteer = client.as_user(1702, language_code="en")
    file_id, unique = add_photo(volunteer, jpeg(wall_image(2)))
    await volunteer.send(extra={"photo": photo_sizes(file_id, unique)})
    await send_location(volunteer, (43.2389, 76.9455))
    [wall] = numbers(texts(await volunteer.send("@download_shop"))[-1])[:1]
    moderator = client.as_user(ADMIN_ID, language_code="en")
    fake_session.fail_download(file_id)
    reply = await moderator.send(f"/photo {wall}")
    assert fake_session.sent(SendPhoto) == []
    assert "1 of the photos could not be sent" in text(reply)


def test_every_part_of_a_record_is_redacted() -> None:
    url = f"https://api.telegram.org/file/bot{TEST_TOKEN}/photos/1.jpg"
    try:
        raise RuntimeError(f"GET {url} failed")
    except RuntimeError as error:
        record = logging.LogRecord(
            "x",
            logging.ERROR,
            __file__,
            1,
            "failed: %s (%r)",
            (url, error),
            (type(error), error, error.__traceback__),
        )
    TokenRedactingFilter().filter(record)
    shown = logging.Formatter().format(record)
    assert "failed: https://api.telegram.org/file/bot<redacted>/photos/1.jpg" in shown
    assert "Traceback" in shown
    assert "RuntimeError" in shown
    assert TEST_TOKEN not in shown
    # A short token in a Bot API URL (like the fake server's) is redacted too.
    assert redact("http://h/bot123456:TEST-token/getMe") == "http://h/bot<redacted>/getMe"
