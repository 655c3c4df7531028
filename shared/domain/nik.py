"""Structure checks for the NIK (Nomor Induk Kependudukan).

A well-formed NIK is not proof of identity: that needs a match with the civil registry.
Layout: PPKKCC DDMMYY SSSS, where PPKKCC is the region of first registration, DD is the
birth day (plus 40 for women), MM the month, YY the year with an ambiguous century and
SSSS a serial from 0001.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

# Province codes in use (Kepmendagri 2025): 38 provinces.
PROVINCE_CODES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "16",
        "17",
        "18",
        "19",
        "21",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "51",
        "52",
        "53",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "72",
        "73",
        "74",
        "75",
        "76",
        "81",
        "82",
        "91",
        "92",
        "93",
        "94",
        "95",
        "96",
    ]
)


class Sex(StrEnum):
    FEMALE = "F"
    MALE = "M"


class NikError(ValueError):
    """The NIK is not structurally valid; the message says why."""


@dataclass(frozen=True, slots=True)
class NikFacts:
    region_code: str  # PP.KK.CC of first registration, not the current address
    sex: Sex
    birth_day: int
    birth_month: int
    birth_year_2digit: int

    def birth_date(self, *, today: date) -> date:
        """Resolve the century: a year ahead of today belongs to the previous century."""
        century = 2000 if 2000 + self.birth_year_2digit <= today.year else 1900
        return date(century + self.birth_year_2digit, self.birth_month, self.birth_day)


def parse(nik: str) -> NikFacts:
    if len(nik) != 16 or not nik.isdigit():
        raise NikError("NIK must be exactly 16 digits")
    province, regency, district = nik[0:2], nik[2:4], nik[4:6]
    if province not in PROVINCE_CODES:
        raise NikError(f"NIK digits 1-2 ({province}) are not a province code")
    if regency == "00" or district == "00":
        raise NikError("NIK digits 3-6 must name a kab/kota and a kecamatan (not 00)")
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = Sex.MALE
    if day > 40:
        sex, day = Sex.FEMALE, day - 40
    if not 1 <= month <= 12:
        raise NikError(f"NIK digits 9-10 ({nik[8:10]}) are not a month")
    # Either century may apply, so 29 February is allowed when either reading is a leap year.
    longest = max(
        calendar.monthrange(1900 + year, month)[1], calendar.monthrange(2000 + year, month)[1]
    )
    if not 1 <= day <= longest:
        raise NikError(f"NIK digits 7-8 ({nik[6:8]}) are not a day of month {month} (women add 40)")
    if nik[12:16] == "0000":
        raise NikError("NIK serial (digits 13-16) starts at 0001")
    return NikFacts(f"{province}.{regency}.{district}", sex, day, month, year)


def mask(nik: str | None) -> str | None:
    """Keep the registration region and the serial, hide the birth date."""
    if not nik:
        return None
    if len(nik) != 16:
        return "*" * len(nik)
    return nik[:6] + "******" + nik[12:]
