"""Everything Sekber holds about one person (UU 27/2022: the data subject's right of
access), gathered for an admin to hand over: their cases in full, what was done, who was
told, and who looked at them."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from services.intake.referrals import views as queries
from services.intake.referrals.schemas import CaseRead
from shared.domain.access import FULL
from shared.domain.deadlines import DeadlinePolicy
from shared.identity.column import lookup
from shared.models import AuditEntry, Case


class AuditRead(BaseModel):
    occurred_at: datetime
    actor: str
    role: str
    action: str
    object_type: str
    object_id: str
    basis: str
    route: str
    status: int


class AuditTrailRead(AuditRead):
    """An entry as the admins reading the trail see it: with the client address the
    request came from (the one actually used; see docs/security.md on proxies)."""

    client: str


class SubjectAccessRead(BaseModel):
    generated_at: datetime
    cases: list[CaseRead]
    accesses: list[AuditRead]


def export(
    session: Session,
    *,
    nik: str | None,
    name: str | None,
    birth_date: date | None,
    policy: DeadlinePolicy,
    now: datetime,
) -> SubjectAccessRead:
    """Cases matching the NIK, or the exact name with the birth date (many people have no
    NIK); `session` is already limited to the admin's jurisdiction."""
    matches: list[ColumnElement[bool]] = []
    if nik:
        # Stored encrypted: found by its blind index under every key of the ring.
        matches.append(Case.beneficiary_nik_index.in_(lookup(nik)))
    if name and birth_date:
        matches.append(
            (Case.beneficiary_name == name.strip()) & (Case.beneficiary_birth_date == birth_date)
        )
    cases = session.scalars(select(Case).where(or_(*matches)).order_by(Case.created_at)).all()
    ids = [str(c.id) for c in cases]
    accesses = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.object_type == "case", AuditEntry.object_id.in_(ids))
        .order_by(AuditEntry.id)
    ).all()
    return SubjectAccessRead(
        generated_at=now,
        cases=[
            queries.case_view(session, c, disclosure=FULL, policy=policy, now=now) for c in cases
        ],
        accesses=[AuditRead.model_validate(a, from_attributes=True) for a in accesses],
    )


def audit_trail(
    session: Session, *, object_id: str | None, actor: str | None, limit: int
) -> list[AuditTrailRead]:
    """The audit trail, newest first: of one record, or of actors whose label starts so."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if object_id:
        query = query.where(AuditEntry.object_id == object_id)
    if actor:
        query = query.where(AuditEntry.actor.startswith(actor))
    rows = session.scalars(query)
    return [AuditTrailRead.model_validate(a, from_attributes=True) for a in rows]
