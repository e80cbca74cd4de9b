"""`[logging] format = "json"`: one JSON object a line (time, level, logger, message,
exception) for log collectors.

Records are redacted as they are made (bot/log_redaction.py); the formatter redacts every field
once more, so a record made without the redacting factory (a library's own LogRecord, a record
from another process's queue) cannot carry a token into the output either.
"""

import json
import logging
from datetime import UTC, datetime

from bot.log_redaction import redact


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        # The redacting filter leaves exc_text in place of exc_info when a traceback held a token.
        exception = record.exc_text
        if not exception and record.exc_info and record.exc_info[1] is not None:
            exception = self.formatException(record.exc_info)
        if exception:
            entry["exception"] = redact(exception)
        if record.stack_info:
            entry["stack"] = redact(self.formatStack(record.stack_info))
        return json.dumps(entry, ensure_ascii=False)


def use_log_format(name: str, root: logging.Logger | None = None) -> None:
    """Put the configured format on the root logger's handlers ("text" leaves them be)."""
    if name != "json":
        return
    for handler in (root or logging.getLogger()).handlers:
        handler.setFormatter(JsonFormatter())
