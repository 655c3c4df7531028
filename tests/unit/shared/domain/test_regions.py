from __future__ import annotations

import pytest

from shared.domain import regions
from shared.domain.regions import Level


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("35", Level.PROVINCE),
        ("35.78", Level.REGENCY),
        ("35.78.08", Level.DISTRICT),
        ("35.78.08.1001", Level.VILLAGE),
    ],
)
def test_the_level_follows_from_the_number_of_parts(code: str, level: Level) -> None:
    assert regions.level_of(code) is level
    assert level.depth == code.count(".") + 1


@pytest.mark.parametrize("code", ["", "3", "3578", "35.7", "35.78.08.100", "35.78.08.10011", "x"])
def test_a_malformed_code_has_no_level(code: str) -> None:
    with pytest.raises(ValueError, match="not a Kemendagri region code"):
        regions.level_of(code)


def test_ancestors_start_with_the_code_itself_and_end_with_the_province() -> None:
    assert regions.ancestors("35.78.08.1001") == ["35.78.08.1001", "35.78.08", "35.78", "35"]
    assert regions.ancestors("35") == ["35"]


def test_the_parent_is_one_level_up_and_a_province_has_none() -> None:
    assert regions.parent("35.78.08.1001") == "35.78.08"
    assert regions.parent("35") is None


def test_a_village_is_within_its_kecamatan_kab_kota_and_province() -> None:
    village = "35.78.08.1001"

    assert all(regions.is_within(village, area) for area in regions.ancestors(village))


def test_is_within_compares_whole_parts_not_string_prefixes() -> None:
    assert not regions.is_within("35.71.01", "35.7")
    assert not regions.is_within("35.78.08.1001", "35.78.0")
    assert not regions.is_within("35.78", "35.78.08")
    assert not regions.is_within("36.01", "35")


@pytest.mark.parametrize(
    ("code", "kota"),
    [("35.08", False), ("35.29", False), ("35.71", True), ("35.78", True), ("35.79", True)],
)
def test_kab_kota_digits_71_and_above_are_cities(code: str, kota: bool) -> None:
    assert regions.is_kota(code) is kota
