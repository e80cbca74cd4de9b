"""Generic CSV/XLSX export: Excel-friendly encoding, layout, and no formula injection."""

import csv
import io
from datetime import date, datetime

from openpyxl import load_workbook

from services.spreadsheets import MAX_WIDTH, to_csv, to_xlsx

HEADER = ["Адрес", "Дата", "Число"]
ROWS: list[list[str | datetime | date | int | None]] = [
    ["ул. Абая, 10", datetime(2025, 3, 1, 9, 5), 3],
    ['=HYPERLINK("http://evil")', date(2025, 3, 2), None],
    ["x" * 200 + "\x07", None, 0],
]


def test_csv_has_bom_cyrillic_and_no_formulas() -> None:
    data = to_csv(HEADER, ROWS)
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == HEADER
    assert rows[1] == ["ул. Абая, 10", "01.03.2025 09:05", "3"]
    assert rows[2] == ['\'=HYPERLINK("http://evil")', "02.03.2025", ""]
    assert len(rows) == 4


INJECTED = 'note;=HYPERLINK("http://evil.kz","x");+1;-2;@SUM(A1);\tcmd'


def test_csv_cells_after_semicolons_are_no_formulas_for_either_separator() -> None:
    data = to_csv(["Номер", "Примечание"], [[1, INJECTED], ["a;b", "https://x.kz/a;b=1"]])
    text = data.decode("utf-8-sig")
    for delimiter in (",", ";"):
        cells = [
            cell for row in csv.reader(io.StringIO(text), delimiter=delimiter) for cell in row
        ]
        assert len(cells) > 4
        dangerous = [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t"))]
        assert dangerous == [], delimiter
    # A comma reader still gets the whole note back, one visible apostrophe per formula.
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][1] == "note;'=HYPERLINK(\"http://evil.kz\",\"x\");'+1;'-2;'@SUM(A1);'\tcmd"
    assert rows[2] == ["a;b", "https://x.kz/a;b=1"]  # harmless semicolons stay as they are


def test_xlsx_layout_and_values() -> None:
    sheet = load_workbook(io.BytesIO(to_xlsx(HEADER, ROWS, title="Граффити"))).active
    assert sheet.title == "Граффити"
    assert [c.value for c in sheet[1]] == HEADER
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet["A2"].value == "ул. Абая, 10"
    assert sheet["B2"].value == datetime(2025, 3, 1, 9, 5)
    assert sheet["B2"].number_format == "DD.MM.YYYY HH:MM"
    assert sheet["C2"].value == 3
    # Kept as text: opening the file must not run what a volunteer typed.
    assert sheet["A3"].value == '=HYPERLINK("http://evil")'
    assert sheet["A3"].data_type == "s"
    assert sheet["A4"].value == "x" * 200  # control characters XLSX cannot hold are dropped
    assert sheet.column_dimensions["A"].width == MAX_WIDTH
    assert 6 <= sheet.column_dimensions["C"].width < 12


def test_empty_table_is_just_the_header() -> None:
    assert to_csv(["a"], []).decode("utf-8-sig") == "a\r\n"
    sheet = load_workbook(io.BytesIO(to_xlsx(["a"], []))).active
    assert sheet.max_row == 1
