"""`[logging] format = "json"` (bot/ops/json_logs.py): one JSON object a line, and no token in
it, from a message's arguments or from an exception's traceback."""

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from bot.log_redaction import REDACTED
from bot.ops.json_logs import JsonFormatter, use_log_format

TOKEN = "987654321:" + "Z" * 35


@pytest.fixture
def json_lines() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger standing for the root one: its handler gets the JSON format."""
    out = io.StringIO()
    logger = logging.getLogger("tests.json_logs")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    handler = logging.StreamHandler(out)
    logger.addHandler(handler)
    use_log_format("json", logger)
    yield logger, out
    logger.removeHandler(handler)


def _entries(out: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_a_record_is_one_json_line_with_its_fields(
    json_lines: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, out = json_lines
    logger.warning("update %s failed for user %s", 12, "Айгерим")
    [entry] = _entries(out)
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "tests.json_logs"
    assert entry["message"] == "update 12 failed for user Айгерим"
    assert entry["time"].endswith("+00:00")
    assert "exception" not in entry


def test_a_token_in_arguments_and_in_an_exception_never_reaches_the_output(
    json_lines: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, out = json_lines
    logger.info("downloading %s", f"https://api.telegram.org/file/bot{TOKEN}/photos/1.jpg")
    try:
        raise RuntimeError(f"request to /bot{TOKEN}/getFile failed")
    except RuntimeError:
        logger.exception("download failed")
    first, second = _entries(out)
    assert REDACTED in first["message"]
    assert second["message"] == "download failed"
    assert "RuntimeError" in second["exception"]
    assert REDACTED in second["exception"]
    assert TOKEN not in out.getvalue()
    assert TOKEN.split(":")[1] not in out.getvalue()


def test_a_record_made_without_the_redacting_factory_is_redacted_too() -> None:
    try:
        raise ValueError(f"bad answer from /bot{TOKEN}/sendMessage")
    except ValueError as error:
        exc_info = (type(error), error, error.__traceback__)
    # A LogRecord made directly, as a library or a queue listener may.
    record = logging.LogRecord(
        "aiogram.event", logging.ERROR, __file__, 1, "token %s", (TOKEN,), exc_info
    )
    line = JsonFormatter().format(record)
    assert TOKEN not in line
    entry = json.loads(line)
    assert entry["message"] == f"token {REDACTED}"
    assert "ValueError" in entry["exception"]


def test_text_leaves_the_handlers_formatters_alone() -> None:
    logger = logging.getLogger("tests.text_logs")
    handler = logging.StreamHandler(io.StringIO())
    formatter = logging.Formatter("%(message)s")
    handler.setFormatter(formatter)
    logger.addHandler(handler)
    try:
        use_log_format("text", logger)
        assert handler.formatter is formatter
    finally:
        logger.removeHandler(handler)
