"""Administration: a person's data on request, and the audit trail."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, StringConstraints, model_validator

from services.intake.access.guard import access_of
from services.intake.deps import ActorDep, DeadlinePolicyDep, NowDep, SessionDep
from services.intake.edge.errors import refused
from services.intake.edge.textguard import GuardedRoute
from services.intake.privacy import subject_access
from services.intake.referrals.schemas import IsoDate, Name, Nik, OneLine

router = APIRouter(route_class=GuardedRoute, prefix="/admin", tags=["administration"])


class SubjectAccessRequest(BaseModel):
    """Who asks for their data: by NIK, or by full name and birth date."""

    model_config = ConfigDict(extra="forbid")

    nik: Nik = None
    name: Name | None = None
    birth_date: IsoDate | None = None
    # The request's reference in the admin's own register, kept in the audit trail.
    reference: Annotated[str, StringConstraints(strip_whitespace=True, max_length=80), OneLine] = ""

    @model_validator(mode="after")
    def _someone(self) -> SubjectAccessRequest:
        if not self.nik and not (self.name and self.birth_date):
            raise ValueError("give the nik, or the name with the birth_date")
        return self


@router.post("/subject-access", response_model=subject_access.SubjectAccessRead)
def export_subject_data(
    request: Request,
    body: SubjectAccessRequest,
    session: SessionDep,
    policy: DeadlinePolicyDep,
    now: NowDep,
) -> subject_access.SubjectAccessRead:
    """Everything held about one person in your jurisdiction, unmasked, with who accessed
    it: for answering their request. The export itself is recorded in the audit trail."""
    result = subject_access.export(
        session,
        nik=body.nik,
        name=body.name,
        birth_date=body.birth_date,
        policy=policy,
        now=now,
    )
    if (audited := access_of(request)) is not None:
        audited.action = "export"
        audited.object_type = "case"
        audited.touch((c.id for c in result.cases), basis="subject access request")
        audited.data = {"reference": body.reference}
    return result


@router.get("/audit", response_model=list[subject_access.AuditTrailRead])
def read_audit_trail(
    session: SessionDep,
    me: ActorDep,
    object_id: Annotated[str | None, Query(max_length=64)] = None,
    actor: Annotated[str | None, Query(max_length=160)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[subject_access.AuditTrailRead]:
    """The audit trail, newest first: by record or by actor. It spans every region, so
    it is for national admins only."""
    if me.jurisdiction:
        raise refused(
            403, ["header", "Authorization"], "the audit trail is for a national admin", "forbidden"
        )
    return subject_access.audit_trail(session, object_id=object_id, actor=actor, limit=limit)
