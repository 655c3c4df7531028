"""The one rule for CSV cells (OWASP "CSV injection"), and that every CSV writer uses it."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest

from shared.domain.spreadsheet import csv_text, safe_cell

ROOT = Path(__file__).resolve().parents[4]


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1)", "\tcmd", "\r=1", "="]
)
def test_a_text_starting_with_a_formula_character_is_prefixed(text: str) -> None:
    assert safe_cell(text) == f"'{text}"


@pytest.mark.parametrize(
    ("value", "cell"),
    [(-2, "-2"), (-1.5, "-1.5"), (0, "0"), (196.0, "196.0"), (Decimal("-3.25"), "-3.25")],
)
def test_numbers_we_write_stay_numbers(value: object, cell: str) -> None:
    assert safe_cell(value) == cell


@pytest.mark.parametrize(
    "text", ["Pak Cilacap", "a=b", "1+1", "'=already quoted", " =x", "", "35.07", "Bu-Sri"]
)
def test_ordinary_text_is_untouched(text: str) -> None:
    assert safe_cell(text) == text


def test_none_is_an_empty_cell() -> None:
    assert safe_cell(None) == ""


def test_csv_text_reads_back_with_the_formulas_quoted() -> None:
    records: list[dict[str, object]] = [
        {"name": "=1+2", "open": -1},
        {"name": "a,\n=b"},
        {"name": "c\r@d", "open": 3},
    ]

    assert list(csv.reader(io.StringIO(csv_text(["name", "open"], records), newline=""))) == [
        ["name", "open"],
        ["'=1+2", "-1"],
        ["a,\n=b", ""],
        ["c\r@d", "3"],  # a line break inside a cell does not start a row
    ]


def test_no_other_code_writes_csv() -> None:
    writers = re.compile(r"\bcsv\.(writer|DictWriter)\b|\bDictWriter\(")
    found = [
        str(path.relative_to(ROOT))
        for top in ("services", "shared", "sekber_cli")
        for path in (ROOT / top).rglob("*.py")
        if writers.search(path.read_text(encoding="utf-8"))
    ]
    assert found == ["shared/domain/spreadsheet.py"], "write CSV with spreadsheet.csv_text"
