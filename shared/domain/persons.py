"""Whether two reports may be one person, beside their names: the birth date (given, or
carried by the NIK), else the age band (from the birth date, or the category: a neglected
elderly person is elderly, a child's category a child), else the same village.

Two known birth dates must be equal; with one unknown, two known age bands must be equal;
with nothing to compare, only a report from the same village counts (the look-up already
keeps to the kecamatan). Pure: shared/duplicates/find.py applies it to its candidates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.domain import categories, nik
from shared.domain.routing.facts import AgeBand, age_band

ELDERLY_CATEGORIES = frozenset({"LUT"})


@dataclass(frozen=True, slots=True)
class Seen:
    """What a report says of a person besides the name."""

    birth: date | None
    band: AgeBand | None
    village: str


def birth_of(birth_date: date | None, nik_value: str | None, *, today: date) -> date | None:
    """The birth date given, else the one the NIK carries (when it is a real date)."""
    if birth_date is not None or not nik_value:
        return birth_date
    try:
        return nik.parse(nik_value).birth_date(today=today)
    except (nik.NikError, ValueError):
        return None


def seen(
    *,
    birth_date: date | None,
    nik_value: str | None,
    category: str | None,
    village: str,
    today: date,
) -> Seen:
    birth = birth_of(birth_date, nik_value, today=today)
    band = age_band(birth_date=birth, nik=None, today=today)
    if band is None and category:
        if category in ELDERLY_CATEGORIES:
            band = AgeBand.ELDERLY
        elif (known := categories.BY_CODE.get(category)) is not None and known.is_child:
            band = AgeBand.CHILD
    return Seen(birth=birth, band=band, village=village)


def may_be_one(a: Seen, b: Seen) -> bool:
    """Nothing beside the names says these are two people."""
    if a.birth is not None and b.birth is not None:
        return a.birth == b.birth
    if a.band is not None and b.band is not None:
        return a.band == b.band
    return a.village == b.village
