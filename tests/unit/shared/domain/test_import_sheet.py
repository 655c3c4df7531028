"""How a spreadsheet's header and cells read as a referral (no judging: the referral's rule
does that)."""

from __future__ import annotations

import pytest

from shared.domain import import_sheet as sheet


def test_headers_in_english_or_as_the_template_writes_them_in_any_case_and_order() -> None:
    header = sheet.read_header(
        ["No.", "Nama Penerima", "KATEGORI", "kode desa", "Urgensi", "uraian", "NIK"]
    )
    assert header.fields == {
        1: "beneficiary_name", 2: "category", 3: "village_code", 4: "urgency",
        5: "description", 6: "beneficiary_nik",
    }  # fmt: skip
    assert (header.missing, header.repeated, header.ignored) == ((), (), ("No.",))
    assert header.column_of("village_code") == "kode desa"


def test_a_missing_or_repeated_column_is_named() -> None:
    header = sheet.read_header(["category", "kategori", "urgency"])
    assert header.repeated == ("kategori",)
    assert header.missing == ("kode_desa", "uraian", "nama_penerima")


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"category": "KBA - Korban Bencana Alam"}, {"category": "KBA"}),
        ({"category": "lanjut usia terlantar"}, {"category": "LUT"}),
        ({"category": "xyz"}, {"category": "xyz"}),  # left for the rule to refuse
        ({"urgency": "Darurat"}, {"urgency": "emergency"}),
        ({"urgency": "high"}, {"urgency": "high"}),
    ],
)
def test_coded_cells(cells: dict[str, str], expected: dict[str, str]) -> None:
    body = sheet.referral(cells)
    assert {k: body[k] for k in expected} == expected


def test_a_person_written_as_people_write() -> None:
    body = sheet.referral({
        "beneficiary_name": " Mbah Sarmi ", "beneficiary_nik": "'3508 0142 0348 0001",
        "beneficiary_birth_date": "2/3/1948", "beneficiary_sex": "Perempuan",
        "needs": "disaster_relief; Rumah tidak layak huni", "disaster_scope": "Kabupaten/kota",
    })  # fmt: skip
    assert body["beneficiary"] == {
        "name": "Mbah Sarmi", "nik": "3508014203480001", "birth_date": "1948-03-02", "sex": "F"
    }  # fmt: skip
    assert body["needs"] == ["disaster_relief", "housing"]
    assert body["disaster_scope"] == "regency"
    assert sheet.sex("L") == "M" and sheet.sex("x") == "x"


def test_blank_optional_cells_are_left_out_and_refusals_name_their_column() -> None:
    body = sheet.referral({"category": "LUT", "beneficiary_nik": "  ", "needs": ""})
    assert "nik" not in body["beneficiary"] and "needs" not in body
    assert sheet.field_of(("body", "beneficiary", "birth_date")) == "beneficiary_birth_date"
    assert sheet.field_of(("needs", 1)) == "needs"


def test_the_templates_choices() -> None:
    assert "KBA - Korban Bencana Alam" in sheet.choices("category")
    assert sheet.choices("urgency") == ["Darurat", "Tinggi", "Biasa", "Rendah"]
    assert sheet.referral({"beneficiary_sex": sheet.choices("sex")[1]})["beneficiary"] == {
        "name": "", "sex": "M"
    }  # fmt: skip
