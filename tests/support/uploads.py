"""Lists a moderator uploads as documents (/blocked with a CSV or TXT file), as the admin."""

from typing import Any

from tests.support.accounts import ADMIN_ID
from tests.support.client import BotClient
from tests.support.recording_session import RecordingSession


def moderator(client: BotClient) -> BotClient:
    return client.as_user(ADMIN_ID, language_code="en")


def document(file_id: str, name: str, data: bytes, mime: str = "text/plain") -> dict[str, Any]:
    return {
        "file_id": file_id,
        "file_unique_id": "u" + file_id,
        "file_name": name,
        "mime_type": mime,
        "file_size": len(data),
    }


async def upload(
    client: BotClient,
    fake_session: RecordingSession,
    name: str,
    data: bytes,
    *,
    mime: str = "text/plain",
) -> list:
    file_id = f"list-{name}"
    fake_session.add_file(file_id, data)
    return await client.send(
        caption="/blocked", extra={"document": document(file_id, name, data, mime)}
    )
