"""The import template: the columns with an example row, as CSV and as XLSX. The XLSX has
drop-down lists for category, urgency, sex, needs and disaster scope, its NIK column kept
as text (a 16-digit number would lose its digits), and a second sheet explaining each
column in Bahasa Indonesia and English."""

from __future__ import annotations

import io

from shared.domain import import_sheet
from shared.domain.spreadsheet import csv_text

LISTED = ("category", "urgency", "beneficiary_sex", "needs", "disaster_scope")
_CHOICES_OF = {"beneficiary_sex": "sex"}
ROWS_WITH_LISTS = 20_001


def headers() -> list[str]:
    return [c.header_id for c in import_sheet.COLUMNS]


def example() -> dict[str, str]:
    return {c.header_id: c.example for c in import_sheet.COLUMNS}


def as_csv() -> bytes:
    # A byte order mark: a spreadsheet opening the file then reads it as UTF-8.
    return ("\ufeff" + csv_text(headers(), [example()])).encode("utf-8")


def as_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "rujukan"
    lists = book.create_sheet("pilihan")
    guide = book.create_sheet("petunjuk")
    sheet.append(headers())
    sheet.append([c.example for c in import_sheet.COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(import_sheet.COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(14, len(column.example) + 2)
        if column.field == "beneficiary_nik":
            for row in range(2, 200):
                sheet[f"{letter}{row}"].number_format = "@"
        if column.field not in LISTED:
            continue
        values = import_sheet.choices(_CHOICES_OF.get(column.field, column.field))
        list_column = get_column_letter(LISTED.index(column.field) + 1)
        lists[f"{list_column}1"] = column.header_id
        for row, value in enumerate(values, start=2):
            lists[f"{list_column}{row}"] = value
        source = f"{quote_sheetname(lists.title)}!${list_column}$2:${list_column}${len(values) + 1}"
        # Needs may hold several codes separated by ";": the list helps, and is not enforced.
        strict = column.field != "needs"
        check = DataValidation(
            type="list", formula1=source, allow_blank=True, showErrorMessage=strict
        )
        if strict:
            check.error = "Pilih dari daftar / choose from the list"
        check.add(f"{letter}2:{letter}{ROWS_WITH_LISTS}")
        sheet.add_data_validation(check)
    guide.append(["kolom / column", "wajib / required", "isi / content", "contoh / example"])
    for column in import_sheet.COLUMNS:
        guide.append([
            column.header_id,
            "ya / yes" if column.required else "tidak / no",
            f"{column.label_id} / {column.label_en}",
            column.example,
        ])  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
