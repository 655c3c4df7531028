"""A case: one person or family in need, reported once, with its timeline."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Uuid,
    event,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.domain.lifecycle import CaseStatus
from shared.identity.column import EncryptedNik, blind_index
from shared.models.base import Base, UTCDateTime, new_id, utcnow
from shared.models.reference import ReferenceVersion


def _filed_code(context: Any) -> str | None:
    code = context.get_current_parameters().get("village_code")
    return str(code) if code is not None else None


# The region list loaded when the case is filed, read in the INSERT itself (no round trip).
_regions_version = (
    select(ReferenceVersion.version).where(ReferenceVersion.name == "regions").scalar_subquery()
)


class Case(Base):
    __tablename__ = "cases"
    # The dashboard counts cases received without reading the table (an index-only scan).
    __table_args__ = (
        Index(
            "ix_cases_dash_received",
            "created_at",
            postgresql_include=["village_code", "category_code", "urgency"],
        ),
        # The duplicate check: people born that day in a kecamatan (shared/duplicates).
        Index("ix_cases_birth_village", "beneficiary_birth_date", "village_code"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    tracking_code: Mapped[str] = mapped_column(String(20), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=CaseStatus.RECEIVED.value, index=True)
    category_code: Mapped[str] = mapped_column(ForeignKey("categories.code"))
    # The village's current code: a new Kemendagri code list moves it (`sekber regions
    # upgrade`); the code and the list it was filed under stay below.
    village_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    filed_village_code: Mapped[str | None] = mapped_column(
        String(13), default=_filed_code, nullable=True
    )
    filed_regions_version: Mapped[str | None] = mapped_column(
        String(120), default=_regions_version, nullable=True
    )
    urgency: Mapped[str] = mapped_column(String(10))
    description: Mapped[str] = mapped_column(Text)
    needs: Mapped[list[str]] = mapped_column(JSON, default=list)
    disaster_scope: Mapped[str | None] = mapped_column(String(12))

    beneficiary_name: Mapped[str] = mapped_column(String(160))
    # Encrypted at rest (AES-GCM under SEKBER_DATA_KEY) and read back in the clear; looked
    # up by its blind index (HMAC-SHA256), set before every write (shared/identity).
    beneficiary_nik: Mapped[str | None] = mapped_column("beneficiary_nik_enc", EncryptedNik())
    beneficiary_nik_index: Mapped[str | None] = mapped_column(String(64), index=True)
    beneficiary_birth_date: Mapped[date | None] = mapped_column(Date)
    beneficiary_sex: Mapped[str | None] = mapped_column(String(1))

    reporter_name: Mapped[str] = mapped_column(String(160))
    reporter_organisation: Mapped[str | None] = mapped_column(String(160))
    reporter_phone: Mapped[str | None] = mapped_column(String(32))
    reporter_email: Mapped[str | None] = mapped_column(String(254))
    # Who submitted it (the actor id): the sender, who may cancel its tasks.
    reported_by: Mapped[str] = mapped_column(String(160), default="", index=True)

    legal_basis: Mapped[str] = mapped_column(String(24), default="public_service")
    # A duplicate merged into another case of the same person (shared/duplicates/merge.py):
    # closed, its tasks withdrawn; who merged it and when (undone within a day).
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("cases.id"), nullable=True, index=True
    )
    merged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    merged_by: Mapped[str | None] = mapped_column(String(160), nullable=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    request_fingerprint: Mapped[str | None] = mapped_column(String(64))
    correlation_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    referrals: Mapped[list[Referral]] = relationship(
        back_populates="case", order_by="Referral.created_at", foreign_keys="Referral.case_id"
    )
    timeline: Mapped[list[CaseEvent]] = relationship(order_by="CaseEvent.id")


# A coordinator's open tasks (their load, which routing reads for every candidate of every
# decision): only the open rows, so the count does not grow with the years of history.
OPEN_LOAD = "('accepted','in-progress','on-hold','requested')"


def open_load_index() -> Index:
    return Index(
        "ix_referrals_open_load",
        "coordinator_id",
        postgresql_where=text(f"status IN {OPEN_LOAD}"),
        sqlite_where=text(f"status IN {OPEN_LOAD}"),
    )


def dashboard_indexes() -> list[Index]:
    """Covering indexes of the dashboard's task queries: open tasks (partial), tasks by
    acceptance, end and case receipt, and late steps by due time (partial)."""
    case = ["case_village_code", "case_category_code", "case_urgency"]
    open_states = "('accepted','in-progress','on-hold','requested','routing','unassigned')"
    found = [
        Index(
            "ix_referrals_dash_open",
            "case_village_code",
            postgresql_ops={"case_village_code": "varchar_pattern_ops"},
            postgresql_include=["status", "case_id", "pillar_code", "coordinator_id",
                                "case_category_code", "case_urgency", "assigned_at",
                                "created_at", "accept_due_at", "contact_due_at",
                                "resolve_due_at"],
            postgresql_where=text(f"status IN {open_states}"),
            sqlite_where=text(f"status IN {open_states}"),
        ),
        Index("ix_referrals_dash_accepted", "accepted_at",
              postgresql_include=["created_at", "pillar_code", *case]),
        Index("ix_referrals_dash_closed", "closed_at",
              postgresql_include=["case_id", "status", "reason_code", "pillar_code",
                                  "case_received_at", *case]),
        Index("ix_referrals_dash_received", "case_received_at",
              postgresql_include=["case_id", "pillar_code", *case]),
        Index("ix_referrals_dash_case_pillar", "case_id", "pillar_code"),
    ]  # fmt: skip
    for step, due, done in (
        ("accept", "accept_due_at", "coalesce(accepted_at, closed_at)"),
        ("contact", "contact_due_at", "coalesce(started_at, closed_at)"),
        ("resolve", "resolve_due_at", "closed_at"),
    ):
        late = text(f"{done} IS NULL OR {done} > {due}")
        found.append(
            Index(f"ix_referrals_dash_late_{step}", due, postgresql_include=["pillar_code", *case],
                  postgresql_where=late, sqlite_where=late)
        )  # fmt: skip
    return found


def gaps_place_index() -> Index:
    """The service gaps of one kab/kota's kecamatan (issue 26, migration 0014): its tasks
    by their case's place, with every column the count reads (an index-only scan)."""
    return Index(
        "ix_referrals_gaps_place",
        "case_village_code",
        postgresql_ops={"case_village_code": "varchar_pattern_ops"},
        postgresql_include=["pillar_code", "status", "reason_code", "created_at",
                            "accepted_at", "started_at", "closed_at", "accept_due_at",
                            "contact_due_at", "resolve_due_at"],
    )  # fmt: skip


class Referral(Base):
    """A referral task: one pillar asked to act on a case (HL7 FHIR Task life cycle)."""

    __tablename__ = "referrals"
    # The supervisors' dashboard reads tasks through these covering indexes alone (see
    # services/intake/dashboard and migration 0003_dashboard).
    __table_args__ = (*dashboard_indexes(), open_load_index(), gaps_place_index())

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    pillar_code: Mapped[str] = mapped_column(ForeignKey("pillars.code"))
    coordinator_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("coordinators.id"), index=True
    )
    # shared.domain.lifecycle.State
    status: Mapped[str] = mapped_column(String(16), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # A task referred onward from another (child of parent), or replacing a declined one.
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("referrals.id"))
    replaces_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("referrals.id"))
    purpose: Mapped[str] = mapped_column(String(200))
    purpose_en: Mapped[str] = mapped_column(String(200))
    care: Mapped[str] = mapped_column(String(12), default="community")
    start_level: Mapped[str] = mapped_column(String(10))
    matched_level: Mapped[str | None] = mapped_column(String(10))
    rule_id: Mapped[str] = mapped_column(String(60))
    rules_version: Mapped[str] = mapped_column(String(60))
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON)
    reason_code: Mapped[str | None] = mapped_column(String(32))
    reason_note: Mapped[str | None] = mapped_column(Text)
    outcome_code: Mapped[str | None] = mapped_column(String(32))

    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accept_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    contact_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    resolve_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # What the deadline scheduler already did, e.g. "accept:at_risk", "accept:escalated:1".
    deadline_marks: Mapped[list[str]] = mapped_column(JSON, default=list)
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # The case's place, category, urgency and receipt time, copied when the task is
    # inserted by a database trigger (migration 0003_dashboard; a case never changes
    # them): the dashboard filters and groups tasks without reading their cases.
    case_village_code: Mapped[str | None] = mapped_column(String(13))
    case_category_code: Mapped[str | None] = mapped_column(String(8))
    case_urgency: Mapped[str | None] = mapped_column(String(10))
    case_received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship(back_populates="referrals")


class ReferralOffer(Base):
    """An emergency task offered to several coordinators at once: the first to accept wins."""

    __tablename__ = "referral_offers"

    referral_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("referrals.id"), primary_key=True)
    coordinator_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("coordinators.id"), primary_key=True, index=True
    )
    state: Mapped[str] = mapped_column(String(10), default="offered")  # offered|won|withdrawn
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CaseEvent(Base):
    """One entry on a case's timeline: what happened, when, who did it."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(160))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


@event.listens_for(Case, "before_insert")
@event.listens_for(Case, "before_update")
def _index_the_nik(_mapper: Any, _connection: Any, case: Case) -> None:
    case.beneficiary_nik_index = blind_index(case.beneficiary_nik)
