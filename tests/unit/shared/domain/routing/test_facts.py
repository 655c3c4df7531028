from __future__ import annotations

from datetime import date

import pytest

from shared.domain.routing.facts import AgeBand, age_band

TODAY = date(2026, 11, 27)


@pytest.mark.parametrize(
    ("born", "band"),
    [
        (date(2010, 1, 1), AgeBand.CHILD),
        (date(2008, 11, 28), AgeBand.CHILD),  # 18 tomorrow
        (date(2008, 11, 27), AgeBand.ADULT),
        (date(1966, 11, 28), AgeBand.ADULT),
        (date(1966, 11, 27), AgeBand.ELDERLY),
    ],
)
def test_the_age_band_comes_from_the_birth_date(born: date, band: AgeBand) -> None:
    assert age_band(birth_date=born, nik=None, today=TODAY) == band


def test_the_age_band_falls_back_to_the_nik() -> None:
    # Born 02-03-48 (a woman: day + 40); the century resolves to 1948.
    assert age_band(birth_date=None, nik="3508014203480001", today=TODAY) == AgeBand.ELDERLY
    assert age_band(birth_date=None, nik="3508010203150001", today=TODAY) == AgeBand.CHILD


def test_no_birth_date_and_no_usable_nik_gives_no_band() -> None:
    assert age_band(birth_date=None, nik=None, today=TODAY) is None
    assert age_band(birth_date=None, nik="123", today=TODAY) is None
