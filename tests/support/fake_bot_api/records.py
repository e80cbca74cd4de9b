"""The values the fake server records and serves: calls, uploads, stored files, errors."""

from dataclasses import dataclass
from typing import Any


class ApiError(Exception):
    """An error answer: ``{"ok": false, "error_code": …, "description": …}``."""

    def __init__(self, error_code: int, description: str, retry_after: int | None = None):
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after

    def to_json(self) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.retry_after is not None:
            answer["parameters"] = {"retry_after": self.retry_after}
        return answer


@dataclass
class UploadedFile:
    filename: str
    data: bytes
    content_type: str = "application/octet-stream"

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class Recorded:
    """One Bot API call: decoded params, uploaded files, and the answer given."""

    index: int
    method: str
    params: dict[str, Any]
    files: dict[str, UploadedFile]
    time: float
    result: Any = None
    error: dict[str, Any] | None = None

    @property
    def chat_id(self) -> Any:
        return self.params.get("chat_id")

    def to_json(self) -> dict[str, Any]:
        files = {
            name: {"filename": f.filename, "size": f.size, "content_type": f.content_type}
            for name, f in self.files.items()
        }
        return {
            "index": self.index,
            "method": self.method,
            "params": self.params,
            "files": files,
            "time": self.time,
            "result": self.result,
            "error": self.error,
        }


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    data: bytes
    file_path: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }
