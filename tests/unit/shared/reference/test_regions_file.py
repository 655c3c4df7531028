from __future__ import annotations

from collections import Counter

import pytest

from shared.reference.regions import (
    DEFAULT_CSV,
    RegionFileError,
    RegionRow,
    parse_regions_csv,
    read_regions_csv,
)

HEADER = "code,name,level,parent_code\n"


def test_the_national_file_holds_every_level_of_the_2025_code_list() -> None:
    rows = read_regions_csv(DEFAULT_CSV)
    levels = Counter(row.level for row in rows)

    assert len(rows) == 91_599
    assert levels == {"province": 38, "regency": 514, "district": 7_285, "village": 83_762}


def test_quoted_names_keep_their_commas() -> None:
    rows = parse_regions_csv(HEADER + '12.07.28.1007,"Lubuk Pakam I,II",village,12.07.28\n')

    assert rows == [RegionRow("12.07.28.1007", "Lubuk Pakam I,II", "village", "12.07.28")]


def test_a_province_has_no_parent() -> None:
    assert parse_regions_csv(HEADER + "35,Jawa Timur,province,\n")[0].parent_code is None


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("35.78,Kota Surabaya,district,35", "level 'district' does not fit"),
        ("35.78,Kota Surabaya,regency,36", "parent '36' does not fit"),
        ("35.7,Kota Surabaya,regency,35", "not a Kemendagri region code"),
        ("35.78,,regency,35", "empty name"),
        ("35.78,Kota Surabaya,regency", "expected 4 fields"),
    ],
)
def test_a_bad_row_is_refused_naming_its_line(line: str, problem: str) -> None:
    text = HEADER + "35,Jawa Timur,province,\n" + line + "\n"

    with pytest.raises(RegionFileError, match=f"line 3: .*{problem}"):
        parse_regions_csv(text)


def test_a_file_with_another_header_is_refused() -> None:
    with pytest.raises(RegionFileError, match="line 1"):
        parse_regions_csv("kode,nama\n35,Jawa Timur\n")
