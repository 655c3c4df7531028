from __future__ import annotations

from datetime import date

import pytest

from shared.domain import nik
from shared.domain.nik import NikError, Sex


def test_a_mans_nik_gives_region_of_first_registration_and_birth_date() -> None:
    facts = nik.parse("3578081203850001")

    assert facts.region_code == "35.78.08"
    assert facts.sex is Sex.MALE
    assert (facts.birth_day, facts.birth_month, facts.birth_year_2digit) == (12, 3, 85)


def test_a_womans_birth_day_has_forty_added() -> None:
    facts = nik.parse("3578085203850002")

    assert facts.sex is Sex.FEMALE
    assert facts.birth_day == 12


def test_a_woman_born_on_the_31st_has_day_71() -> None:
    facts = nik.parse("3578087101900001")

    assert (facts.sex, facts.birth_day, facts.birth_month) == (Sex.FEMALE, 31, 1)


@pytest.mark.parametrize(
    "value",
    [
        "3578082902000001",  # 1900 is not a leap year but 2000 is
        "3578082902040001",  # both 1904 and 2004 are leap years
        "3578086902000001",  # a woman born on 29 February
    ],
)
def test_29_february_is_accepted_when_either_century_is_a_leap_year(value: str) -> None:
    assert nik.parse(value).birth_day == 29


def test_29_february_is_refused_when_neither_century_is_a_leap_year() -> None:
    with pytest.raises(NikError, match="not a day"):
        nik.parse("3578082902010001")


def test_the_century_is_the_latest_that_is_not_in_the_future() -> None:
    today = date(2026, 5, 1)

    assert nik.parse("3578081203850001").birth_date(today=today) == date(1985, 3, 12)
    assert nik.parse("3578081203100001").birth_date(today=today) == date(2010, 3, 12)


@pytest.mark.parametrize("month", ["00", "13", "99"])
def test_a_month_outside_1_to_12_is_refused(month: str) -> None:
    with pytest.raises(NikError, match="not a month"):
        nik.parse(f"35780812{month}850001")


@pytest.mark.parametrize("day", ["00", "32", "40", "72", "31"])
def test_a_day_that_does_not_exist_is_refused(day: str) -> None:
    # 31 April does not exist; 72 is a woman's 32nd.
    with pytest.raises(NikError, match="not a day"):
        nik.parse(f"357808{day}04850001")


def test_serial_0000_is_refused() -> None:
    with pytest.raises(NikError, match="serial"):
        nik.parse("3578081203850000")


@pytest.mark.parametrize("province", ["00", "10", "37", "99"])
def test_an_unknown_province_is_refused(province: str) -> None:
    with pytest.raises(NikError, match="province"):
        nik.parse(f"{province}78081203850001")


@pytest.mark.parametrize("value", ["3500081203850001", "3578001203850001"])
def test_a_missing_kab_kota_or_kecamatan_is_refused(value: str) -> None:
    with pytest.raises(NikError, match="kab/kota"):
        nik.parse(value)


@pytest.mark.parametrize("value", ["", "357808120385000", "35780812038500011", "35780812O3850001"])
def test_anything_but_16_digits_is_refused(value: str) -> None:
    with pytest.raises(NikError, match="16 digits"):
        nik.parse(value)


def test_mask_hides_the_birth_date_but_keeps_region_and_serial() -> None:
    assert nik.mask("3578085203850002") == "357808******0002"


def test_mask_of_a_missing_nik_is_none_and_a_malformed_one_is_all_stars() -> None:
    assert nik.mask(None) is None
    assert nik.mask("") is None
    assert nik.mask("12345") == "*****"
