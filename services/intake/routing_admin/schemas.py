"""The public contract of routing as the intake shows it: decisions, simulations, rule sets
and the supervisors' queue."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.intake.referrals.schemas import BirthDate, CaseFactsIn, Nik

RULES_MAX_BYTES = 256 * 1024


class Purpose(BaseModel):
    id: str
    en: str


class ExplanationText(BaseModel):
    summary: str
    candidates: list[str]


class Explanation(BaseModel):
    """Why this coordinator (or nobody): in Bahasa Indonesia first, English second."""

    id: ExplanationText
    en: ExplanationText


class RoutedCoordinator(BaseModel):
    id: uuid.UUID
    name: str
    region_code: str
    region_name: str | None


class DecisionRead(BaseModel):
    pillar: str
    flagged: bool = Field(description="No coordinator found: in the supervisors' queue")
    coordinator: RoutedCoordinator | None
    rule_id: str
    rules_version: str
    care: str
    start_level: str
    matched_level: str | None
    purpose: Purpose
    explanation: Explanation


class ReferralRoutingRead(DecisionRead):
    id: uuid.UUID
    status: str
    created_at: datetime


class CaseRoutingRead(BaseModel):
    case_id: uuid.UUID
    tracking_code: str
    status: str
    referrals: list[ReferralRoutingRead]


class SimulatedCase(CaseFactsIn):
    """What routing decides on; the birth date or the NIK gives the age band."""

    birth_date: BirthDate = None
    nik: Nik = None


class SimulationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    case: SimulatedCase
    rules: str | None = Field(
        default=None,
        description="TOML text of a draft rule set; the active rules when left out",
    )

    @field_validator("rules")
    @classmethod
    def _rules_not_too_large(cls, value: str | None) -> str | None:
        if value is not None and len(value.encode()) > RULES_MAX_BYTES:
            raise ValueError(f"a rule set may have at most {RULES_MAX_BYTES} bytes")
        return value


class SimulationRead(BaseModel):
    rules_version: str
    draft: bool
    decisions: list[DecisionRead]


class RuleSetRead(BaseModel):
    version: str
    created_at: datetime | None
    created_by: str
    source: Literal["database", "default"]
    text: str


class RuleSetVersionRead(BaseModel):
    version: str
    created_at: datetime
    created_by: str
    active: bool
    checksum: str


class RuleSetStored(BaseModel):
    version: str
    active: bool


class UnassignedReferralRead(BaseModel):
    referral_id: uuid.UUID
    case_id: uuid.UUID
    tracking_code: str
    category: str
    urgency: str
    village_code: str
    village_name: str | None
    pillar: str
    purpose: Purpose
    created_at: datetime
