"""Keep bot tokens out of every log line.

aiogram's errors carry request URLs, and a file download's URL is `/file/bot<token>/<path>`: a
failed download logged with its exception would write the token to the log, which is as good as
publishing it. One filter redacts token shapes from a record's message, its arguments and its
traceback text. It is applied as each record is created (a record factory), so every handler sees
the redacted record — the root handlers of `python -m bot`, and handlers added later (a test's
log capture) alike.
"""

import logging
import re
import traceback
from typing import Any

REDACTED = "<redacted>"
# A bot token is "<bot id>:<35 characters>"; in URLs it follows "/bot" ("/file/bot…/" for files),
# where even a short test token ("123456:TEST-token") must not show.
_TOKEN_SHAPES = re.compile(r"\d{6,}:[A-Za-z0-9_-]{30,}|(?<=/bot)\d+:[^/\s'\"]+")


def redact(text: str) -> str:
    return _TOKEN_SHAPES.sub(REDACTED, text)


def has_token(text: str) -> bool:
    return _TOKEN_SHAPES.search(text) is not None


class TokenRedactingFilter(logging.Filter):
    """Rewrites a record in place when its message or traceback contains a token shape."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)  # logging reports the bad arguments itself, later
            if has_token(message):
                record.msg, record.args = redact(message), None
            return True
        if has_token(message):
            record.msg, record.args = redact(message), None
        if record.exc_info and record.exc_info[1] is not None:
            text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            if has_token(text):
                # Formatters print exc_text when exc_info is gone: the traceback stays readable.
                record.exc_info, record.exc_text = None, redact(text)
        elif record.exc_text and has_token(record.exc_text):
            record.exc_text = redact(record.exc_text)
        if record.stack_info and has_token(record.stack_info):
            record.stack_info = redact(record.stack_info)
        return True


_FILTER = TokenRedactingFilter()


def install_log_redaction() -> None:
    """Redact every log record of this process from now on (idempotent)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "redacts_tokens", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _FILTER.filter(record)
        return record

    factory.redacts_tokens = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
    for handler in logging.getLogger().handlers:
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)
