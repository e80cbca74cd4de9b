"""Tables as files people open in Excel: CSV (UTF-8 with BOM) and XLSX.

Generic on purpose (batches to Кибернадзор, graffiti exports): a header and rows of plain
values in, bytes out. Cells hold text typed by volunteers, so neither format may turn a cell
into a formula (CSV/formula injection).
"""

import csv
import io
import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

Cell = str | int | float | datetime | date | None

DATETIME_FORMAT = "%d.%m.%Y %H:%M"
DATE_FORMAT = "%d.%m.%Y"
_EXCEL_DATETIME_FORMAT = "DD.MM.YYYY HH:MM"
_EXCEL_DATE_FORMAT = "DD.MM.YYYY"
# Excel starts a formula with any of these; a leading apostrophe makes it plain text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel in a Russian or Kazakh locale splits CSV lines on ";", whatever the quotes say about
# cells written for a comma reader: what follows a ";" inside a cell becomes a cell of its own
# and must be neutralised as well. The XLSX keeps such values unchanged.
_FORMULA_AFTER_SEMICOLON = re.compile(r";(?=[=+\-@\t\r])")
MIN_WIDTH, MAX_WIDTH = 6, 60


def _as_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime(DATETIME_FORMAT)
    if isinstance(value, date):
        return value.strftime(DATE_FORMAT)
    return str(value)


def to_csv(header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> bytes:
    """CSV with a byte order mark: without it Excel reads UTF-8 as cp1251 and garbles Cyrillic."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def _csv_cell(value: Cell) -> str:
    text = _as_text(value)
    if not isinstance(value, str):
        return text
    text = _FORMULA_AFTER_SEMICOLON.sub(";'", text)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def to_xlsx(
    header: Sequence[str], rows: Sequence[Sequence[Cell]], *, title: str = "Sheet"
) -> bytes:
    """One sheet: bold frozen header, columns as wide as their content (within limits)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new Workbook always has one sheet
    sheet.title = title[:31]
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(name) for name in header]
    for row_number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            _write(sheet.cell(row=row_number, column=column), value)
            if column <= len(widths):
                widths[column - 1] = max(widths[column - 1], len(_as_text(value)))
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(
            max(width + 2, MIN_WIDTH), MAX_WIDTH
        )
    sheet.freeze_panes = "A2"
    if rows:
        sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write(cell: Any, value: Cell) -> None:
    if isinstance(value, datetime):
        # Excel has no time zones: the caller passes the local time it wants shown.
        cell.value = value.replace(tzinfo=None)
        cell.number_format = _EXCEL_DATETIME_FORMAT
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = _EXCEL_DATE_FORMAT
    elif isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        # openpyxl stores any string starting with "=" as a formula; force plain text.
        cell.data_type = "s"
    else:
        cell.value = value
