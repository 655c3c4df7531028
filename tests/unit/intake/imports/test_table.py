"""Reading an upload: CSV with or without BOM, comma or semicolon; XLSX with dates, numbers
and formulas as text; rows numbered as a spreadsheet shows them."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import Workbook

from services.intake.imports import table


def test_csv_with_bom_and_semicolons_keeps_row_numbers_past_blank_rows() -> None:
    data = '\ufeffkategori;nama\r\nKBA;Siti\r\n;\r\nLUT;"Bu; Sumi"\r\n'.encode()
    sheet = table.read(data, "x.csv", max_rows=10)
    assert sheet.header == ["kategori", "nama"]
    assert sheet.rows == [(2, ["KBA", "Siti"]), (4, ["LUT", "Bu; Sumi"])]


def test_more_rows_than_allowed_is_413() -> None:
    data = b"a,b\n" + b"1,2\n" * 4
    with pytest.raises(table.FileRefused) as refused:
        table.read(data, "x.csv", max_rows=3)
    assert refused.value.status == 413


def test_xlsx_cells_as_typed_and_formulas_never_evaluated() -> None:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["nik", "tanggal_lahir", "nama"])
    ws.append([3508014203480001, date(1948, 3, 2), '=HYPERLINK("http://x","klik")'])
    out = io.BytesIO()
    book.save(out)
    sheet = table.read(out.getvalue(), "korban.xlsx", max_rows=10)
    assert sheet.file_format == "xlsx"
    assert sheet.rows == [(2, ["3508014203480001", "1948-03-02", '=HYPERLINK("http://x","klik")'])]


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"\xff\xfenot utf8", "x.csv", "UTF-8"),
        (b"PK\x03\x04broken", "x.xlsx", "XLSX"),
        (b"a,b\n", "x.xls", "xlsx"),
        (b"", "x.csv", "empty"),
    ],
)
def test_unreadable_files(data: bytes, name: str, words: str) -> None:
    with pytest.raises(table.FileRefused, match=words):
        table.read(data, name, max_rows=10)
