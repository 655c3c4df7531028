"""The public contract of the intake API (separate from the database tables)."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from email_validator import EmailNotValidError, validate_email
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from shared.domain import categories, nik, regions, text
from shared.domain.deadlines import Standing, Step
from shared.domain.routing.facts import AgeBand, DisasterScope, Need, age_band
from shared.domain.urgency import Urgency

DISASTER_CATEGORIES = ("KBA", "KBS")


def _one_line(value: str) -> str:
    try:
        return text.clean(value, one_line=True)
    except text.TextError as exc:
        raise PydanticCustomError("text", str(exc)) from None


OneLine = AfterValidator(_one_line)
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=160),
    AfterValidator(_one_line),
]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9 ()-]{6,24}$")]


def _deliverable_shape(value: str) -> str:
    """An address shaped as the RFCs say, without control, invisible or direction
    characters (email-validator's rules); its domain in lower case."""
    try:
        return validate_email(value, check_deliverability=False, allow_smtputf8=False).normalized
    except EmailNotValidError as exc:
        raise PydanticCustomError("email", str(exc)) from None


Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=254),
    AfterValidator(_deliverable_shape),
    Field(json_schema_extra={"format": "email"}),
]
LegalBasis = Literal["public_service", "consent", "guardian_consent"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _well_formed_nik(value: str | None) -> str | None:
    if value is None or value.strip() == "":
        return None
    value = value.strip()
    try:
        nik.parse(value)
    except nik.NikError as exc:
        raise ValueError(str(exc)) from None
    return value


def _past_birth_date(value: date | None) -> date | None:
    if value is not None and (value > date.today() or value.year < 1890):
        raise ValueError("birth date must be in the past (and after 1890)")
    return value


def _written_as_iso_date(value: object) -> object:
    """Only YYYY-MM-DD: pydantic would read a number (or "0") as seconds since 1970."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        raise PydanticCustomError("date_format", "a date written YYYY-MM-DD")
    return value


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
IsoDate = Annotated[date, BeforeValidator(_written_as_iso_date)]

Nik = Annotated[
    str | None,
    AfterValidator(_well_formed_nik),
    Field(description="16-digit NIK; optional (many have none)"),
]
BirthDate = Annotated[IsoDate | None, AfterValidator(_past_birth_date)]


class BeneficiaryIn(_In):
    name: Name
    nik: Nik = None
    birth_date: BirthDate = None
    sex: Literal["F", "M"] | None = None


class ReporterIn(_In):
    name: Name
    organisation: (
        Annotated[
            str,
            StringConstraints(strip_whitespace=True, max_length=160),
            AfterValidator(_one_line),
        ]
        | None
    ) = None
    phone: Phone | None = None
    email: Email | None = None


class CaseFactsIn(_In):
    """The fields routing decides on; shared by a referral and a routing simulation."""

    category: str = Field(description="PPKS category code, e.g. LUT, FM, KBA")
    village_code: str = Field(description="Kemendagri desa/kelurahan code PP.KK.CC.DDDD")
    urgency: Urgency
    needs: list[Need] = Field(
        default_factory=list, max_length=10, description="What the person needs, if known"
    )
    disaster_scope: DisasterScope | None = Field(
        default=None, description="For KBA/KBS: local, regency or provincial"
    )

    @field_validator("needs")
    @classmethod
    def _needs_once(cls, value: list[Need]) -> list[Need]:
        return sorted(set(value))

    @field_validator("disaster_scope")
    @classmethod
    def _scope_only_for_disasters(
        cls, value: DisasterScope | None, info: ValidationInfo
    ) -> DisasterScope | None:
        if value is not None and info.data.get("category") not in DISASTER_CATEGORIES:
            raise ValueError("applies only to disaster categories KBA and KBS")
        return value

    @field_validator("category")
    @classmethod
    def _known_category(cls, value: str) -> str:
        code = value.strip().upper()
        if code not in categories.BY_CODE:
            raise ValueError(f"unknown PPKS category {value!r}; see GET /api/v1/categories")
        return code

    @field_validator("village_code")
    @classmethod
    def _village_code_shape(cls, value: str) -> str:
        code = value.strip()
        if not regions.is_well_formed(code) or regions.level_of(code) != regions.Level.VILLAGE:
            raise ValueError("must be a desa/kelurahan code shaped PP.KK.CC.DDDD")
        return code


class ReferralCreate(CaseFactsIn):
    description: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=3, max_length=4000)
    ]
    beneficiary: BeneficiaryIn
    reporter: ReporterIn
    legal_basis: LegalBasis = Field(
        default="public_service",
        description="Why Sekber may hold this person's data (UU 27/2022): the public "
        "service of social welfare, the person's consent, or for a child the consent of a "
        "parent or guardian",
    )

    @field_validator("legal_basis")
    @classmethod
    def _a_child_does_not_consent_alone(cls, value: str, info: ValidationInfo) -> str:
        if value == "consent" and _is_child(
            info.data.get("category"), info.data.get("beneficiary")
        ):
            raise ValueError("a child's data needs guardian_consent or the public_service basis")
        return value


def _is_child(category_code: str | None, beneficiary: BeneficiaryIn | None) -> bool:
    category = categories.BY_CODE.get(category_code or "")
    if category is not None and category.is_child:
        return True
    if beneficiary is None:
        return False
    band = age_band(birth_date=beneficiary.birth_date, nik=beneficiary.nik, today=date.today())
    return band is AgeBand.CHILD


class PossibleDuplicateRead(BaseModel):
    """An open case that may be the same person (no personal data: its code and why)."""

    case_id: uuid.UUID
    tracking_code: str
    match: Literal["nik", "name_birth_place"] = Field(
        description="nik: the same NIK; name_birth_place: a similar name, a compatible birth "
        "date, the same kecamatan"
    )
    score: float = Field(ge=0, le=1, description="1 for the same NIK; the name's likeness")


class CaseLink(BaseModel):
    case_id: uuid.UUID
    tracking_code: str


class MergeRead(BaseModel):
    """Where a merged case went: the case that stays, when and by whom."""

    case_id: uuid.UUID
    tracking_code: str
    merged_at: datetime
    merged_by: str
    undo_until: datetime


class ReferralCreated(BaseModel):
    case_id: uuid.UUID
    tracking_code: str
    status: str
    links: dict[str, str]
    possible_duplicates: list[PossibleDuplicateRead] = Field(
        default_factory=list,
        description="Open cases that may be the same person; the referral is stored and "
        "routed anyway",
    )


class CategoryRead(BaseModel):
    code: str
    name_id: str
    name_en: str


class RegionRead(BaseModel):
    code: str
    name: str
    level: str
    parent_code: str | None
    children: list[RegionRead] = []


class CoordinatorRead(BaseModel):
    id: uuid.UUID
    name: str
    pillar: str
    region_code: str


class DueTimes(BaseModel):
    """When each step of a task is (or was) due; None until its clock starts."""

    accept: datetime | None
    first_contact: datetime | None
    resolve: datetime | None


class ReferralRead(BaseModel):
    id: uuid.UUID
    version: int
    pillar: str
    status: str
    purpose: str
    matched_level: str | None
    coordinator: CoordinatorRead | None
    parent_id: uuid.UUID | None = Field(description="The task this one was referred onward from")
    replaces_id: uuid.UUID | None = Field(description="The declined task this one replaces")
    reason_code: str | None
    outcome_code: str | None
    due: DueTimes
    standing: dict[Step, Standing] = Field(
        description="How each open step stands now: on_track, at_risk or breached"
    )
    created_at: datetime


class NotificationRead(BaseModel):
    id: uuid.UUID
    kind: str
    channel: str
    state: str
    recipient: str | None
    sent_at: datetime | None


class TimelineEntry(BaseModel):
    kind: str
    actor: str
    occurred_at: datetime
    data: dict[str, Any]


class PlaceRead(BaseModel):
    village_code: str
    village: str
    kecamatan: str
    kab_kota: str


class BeneficiaryRead(BaseModel):
    name: str = Field(description="The full name, or initials for who only tracks the case")
    nik_masked: str | None
    nik: str | None = Field(
        default=None, description="The full NIK, only for the coordinator serving the case"
    )
    birth_date: date | None
    sex: str | None


class CaseRead(BaseModel):
    id: uuid.UUID
    tracking_code: str
    status: Literal["received", "open", "closed"] = Field(
        description="received until routed, open while a task is open, then closed"
    )
    category: CategoryRead
    urgency: str
    description: str
    place: PlaceRead
    beneficiary: BeneficiaryRead
    reporter_name: str
    reporter_organisation: str | None
    reporter_phone: str | None = None
    reporter_email: str | None = None
    legal_basis: str
    created_at: datetime
    referrals: list[ReferralRead]
    notifications: list[NotificationRead]
    timeline: list[TimelineEntry]
    possible_duplicates: list[PossibleDuplicateRead] = Field(default_factory=list)
    merged_into: MergeRead | None = Field(
        default=None, description="Set when this case was closed as a duplicate of another"
    )
    merged_from: list[CaseLink] = Field(
        default_factory=list, description="Duplicates merged into this case"
    )
