"""A case: one person or family in need, reported once, with its timeline."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.models.base import Base, UTCDateTime, new_id, utcnow


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    tracking_code: Mapped[str] = mapped_column(String(20), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="received", index=True)
    category_code: Mapped[str] = mapped_column(ForeignKey("categories.code"))
    village_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    urgency: Mapped[str] = mapped_column(String(10))
    description: Mapped[str] = mapped_column(Text)
    needs: Mapped[list[str]] = mapped_column(JSON, default=list)
    disaster_scope: Mapped[str | None] = mapped_column(String(12))

    beneficiary_name: Mapped[str] = mapped_column(String(160))
    beneficiary_nik: Mapped[str | None] = mapped_column(String(16))
    beneficiary_birth_date: Mapped[date | None] = mapped_column(Date)
    beneficiary_sex: Mapped[str | None] = mapped_column(String(1))

    reporter_name: Mapped[str] = mapped_column(String(160))
    reporter_organisation: Mapped[str | None] = mapped_column(String(160))
    reporter_phone: Mapped[str | None] = mapped_column(String(32))
    reporter_email: Mapped[str | None] = mapped_column(String(254))
    # Who submitted it (the actor id): the sender, who may cancel its tasks.
    reported_by: Mapped[str] = mapped_column(String(160), default="", index=True)

    legal_basis: Mapped[str] = mapped_column(String(24), default="public_service")
    idempotency_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    request_fingerprint: Mapped[str | None] = mapped_column(String(64))
    correlation_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    referrals: Mapped[list[Referral]] = relationship(
        back_populates="case", order_by="Referral.created_at", foreign_keys="Referral.case_id"
    )
    timeline: Mapped[list[CaseEvent]] = relationship(order_by="CaseEvent.id")


class Referral(Base):
    """A referral task: one pillar asked to act on a case (HL7 FHIR Task life cycle)."""

    __tablename__ = "referrals"

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
