"""Cells of the CSV files Sekber writes, safe to open in a spreadsheet.

OWASP "CSV injection": a spreadsheet reads a cell that starts with `=`, `+`, `-` or `@` as
a formula (`=HYPERLINK(...)`, `@SUM(A1)`, `-2+3`), and some also after a leading tab or
carriage return. Every CSV Sekber produces (API, web page or CLI) is written by `csv_text`,
whose cells go through `safe_cell`: such a text gets a single quote `'` in front, which the
spreadsheet shows as text and does not evaluate. Numbers we write from int or float values
stay numbers (a negative one is not a formula); only text is prefixed. Lines end in CR LF
(RFC 4180), so the csv module quotes a cell holding a carriage return or a line feed: a
line break inside a cell cannot start a new row whose first cell is a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The cell as CSV text: None is empty, a number as is, a formula-like text quoted."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal):  # bool is an int: True / False
        return str(value)
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_text(columns: Sequence[str], records: Iterable[Mapping[str, object]]) -> str:
    """A header line of the columns, then each record's values for them (missing: empty)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(c) for c in columns])
    for record in records:
        writer.writerow([safe_cell(record.get(c)) for c in columns])
    return out.getvalue()
