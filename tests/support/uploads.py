"""Lists a moderator uploads as documents: /blocked with a CSV or TXT file."""

from typing import Any

from tests.support.client import BotClient
from tests.support.recording_session import RecordingSession


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
