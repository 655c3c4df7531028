"""An uploaded file as a header and rows of text cells: CSV (UTF-8 with or without a byte
order mark, comma or semicolon) or XLSX (the first sheet).

Rows are numbered as a spreadsheet shows them: the header is row 1. Blank rows are left
out (their numbers with them). A cell is text, never a formula's result: an XLSX formula
arrives as its text ("=SUM(A1:A3)") and is stored as written, never evaluated. Every cell
passes the free-text rule of every other input (shared/domain/text.py), or the row fails
naming the column.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

# Columns past this are not read (a template has ten).
MAX_COLUMNS = 64
XLSX_MAGIC = b"PK\x03\x04"


class FileRefused(ValueError):
    """The file as a whole cannot be read: `status` 413 (too large) or 422."""

    def __init__(self, msg: str, *, status: int = 422, kind: str = "file_invalid") -> None:
        super().__init__(msg)
        self.status = status
        self.kind = kind


@dataclass(frozen=True, slots=True)
class Sheet:
    file_format: str  # csv | xlsx
    header: list[str]
    rows: list[tuple[int, list[str]]]


def read(data: bytes, filename: str, *, max_rows: int) -> Sheet:
    if not data:
        raise FileRefused("the file is empty")
    name = filename.lower()
    if data.startswith(XLSX_MAGIC) or name.endswith(".xlsx"):
        header, rows = _xlsx(data)
        file_format = "xlsx"
    elif name.endswith((".xls", ".ods")):
        raise FileRefused("save the spreadsheet as .xlsx or as CSV UTF-8", kind="file_format")
    else:
        header, rows = _csv(data)
        file_format = "csv"
    kept: list[tuple[int, list[str]]] = []
    for number, cells in rows:
        if all(not c.strip() for c in cells):
            continue
        if len(kept) == max_rows:
            raise FileRefused(
                f"the file has more than {max_rows} data rows; split it into smaller files",
                status=413,
                kind="too_many_rows",
            )
        kept.append((number, cells))
    if header is None or all(not c.strip() for c in header):
        raise FileRefused("the first row must name the columns (see the template)")
    return Sheet(file_format, header, kept)


def _csv(data: bytes) -> tuple[list[str] | None, Iterator[tuple[int, list[str]]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileRefused(
            f"the file is not UTF-8 (byte {exc.start}); save it as 'CSV UTF-8'",
            kind="file_encoding",
        ) from None
    if "\x00" in text:
        raise FileRefused("the file is not a CSV text file nor an XLSX", kind="file_format")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    records = enumerate(reader, start=1)
    try:
        header = next(records)[1][:MAX_COLUMNS]
    except StopIteration:
        return None, iter(())
    except csv.Error as exc:
        raise FileRefused(f"the CSV cannot be read: {exc}") from None
    return header, _csv_rows(records)


def _csv_rows(records: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
    try:
        for number, cells in records:
            yield number, cells[:MAX_COLUMNS]
    except csv.Error as exc:
        raise FileRefused(f"the CSV cannot be read: {exc}") from None


def _xlsx(data: bytes) -> tuple[list[str] | None, Iterator[tuple[int, list[str]]]]:
    from openpyxl import load_workbook  # only an XLSX upload pays for the import

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise FileRefused(
            f"the file is not a readable XLSX workbook ({type(exc).__name__})",
            kind="file_format",
        ) from None
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
    numbered = enumerate(rows, start=1)
    first = next(numbered, None)
    if first is None:
        return None, iter(())
    return _cells(first[1]), ((n, _cells(r)) for n, r in numbered)


def _cells(values: tuple[Any, ...]) -> list[str]:
    """A row's cells as text, without the empty ones a sheet pads it with at the end."""
    cells = [_text(v) for v in values]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _text(value: Any) -> str:
    """A cell as the text a person typed: whole numbers without ".0", dates as YYYY-MM-DD,
    a formula as its own text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e17:
        return str(int(value))
    formula = getattr(value, "text", None)  # an array formula
    if isinstance(formula, str):
        return formula
    return str(value)
