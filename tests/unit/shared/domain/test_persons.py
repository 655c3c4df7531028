"""Whether two reports may be one person beside their names."""

from __future__ import annotations

from datetime import date

from shared.domain.persons import birth_of, may_be_one, seen

TODAY = date(2026, 12, 5)


def person(born: date | None = None, *, nik: str | None = None, category: str = "FM",
           village: str = "35.08.01.2001"):  # fmt: skip
    return seen(birth_date=born, nik_value=nik, category=category, village=village, today=TODAY)


def test_two_known_birth_dates_must_be_the_same_day() -> None:
    assert may_be_one(person(date(1948, 3, 2)), person(date(1948, 3, 2), village="35.08.01.2002"))
    assert not may_be_one(person(date(1948, 3, 2)), person(date(1948, 3, 3)))


def test_a_nik_carries_a_birth_date() -> None:
    assert birth_of(None, "3508014203480001", today=TODAY) == date(1948, 3, 2)
    assert may_be_one(person(nik="3508014203480001"), person(date(1948, 3, 2)))
    assert not may_be_one(person(nik="3508014203480001"), person(date(1950, 1, 1)))


def test_with_one_date_unknown_the_age_bands_decide() -> None:
    elderly_unknown = person(category="LUT")
    assert may_be_one(elderly_unknown, person(date(1950, 1, 1)))
    assert not may_be_one(elderly_unknown, person(date(2015, 1, 1)))  # a child
    assert not may_be_one(person(category="AT"), person(date(1950, 1, 1)))  # AT: a child


def test_with_nothing_to_compare_only_the_same_village_counts() -> None:
    assert may_be_one(person(), person())
    assert not may_be_one(person(), person(village="35.08.01.2002"))
