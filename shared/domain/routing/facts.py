"""What routing knows about a case: category, place, urgency, needs, age band, disaster."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from shared.domain import nik as nik_rules


class Need(StrEnum):
    AID_ENROLMENT = "aid_enrolment"  # not on the aid list; wants PKH/BPNT/PBI; aid complaint
    HEALTH_INSURANCE = "health_insurance"  # PBI/BPJS inactive and treatment needed
    MEDICAL_COSTS = "medical_costs"  # emergency hospital costs
    RESIDENTIAL_CARE = "residential_care"  # a place in a panti (the province's duty)
    HOUSING = "housing"  # uninhabitable house
    CIVIL_DOCUMENTS = "civil_documents"  # no family card or ID card
    REPATRIATION = "repatriation"  # stranded traveller
    DISASTER_RELIEF = "disaster_relief"
    FAMILY_CONFLICT = "family_conflict"
    YOUTH = "youth"  # youth problems, prevention


class AgeBand(StrEnum):
    CHILD = "child"  # under 18
    ADULT = "adult"  # 18-59
    ELDERLY = "elderly"  # 60 and over (DOMAIN.md: verify; kept in one place)


ELDERLY_FROM = 60
ADULT_FROM = 18


class DisasterScope(StrEnum):
    LOCAL = "local"  # a village or a kecamatan
    REGENCY = "regency"  # a kab/kota
    PROVINCIAL = "provincial"  # declared at province level


class Care(StrEnum):
    COMMUNITY = "community"  # stays with the kab/kota
    RESIDENTIAL = "residential"  # rehabilitation in a panti: the province


@dataclass(frozen=True, slots=True)
class CaseFacts:
    category: str
    village_code: str
    urgency: str
    needs: frozenset[Need] = field(default_factory=frozenset)
    age_band: AgeBand | None = None
    disaster_scope: DisasterScope | None = None


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def age_band(*, birth_date: date | None, nik: str | None, today: date) -> AgeBand | None:
    """From the birth date, else from the NIK's birth digits; None when neither is known."""
    born = birth_date
    if born is None and nik:
        try:
            born = nik_rules.parse(nik).birth_date(today=today)
        except (nik_rules.NikError, ValueError):
            born = None
    if born is None:
        return None
    years = age_on(born, today)
    if years >= ELDERLY_FROM:
        return AgeBand.ELDERLY
    return AgeBand.ADULT if years >= ADULT_FROM else AgeBand.CHILD
