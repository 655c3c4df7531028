from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Header, Request, Response

from services.intake.access.guard import access_of
from services.intake.deps import ActorDep, CorrelationIdDep, SettingsDep, UowFactoryDep
from services.intake.edge.textguard import GuardedRoute
from services.intake.referrals import service as referrals
from services.intake.referrals.schemas import (
    PossibleDuplicateRead,
    ReferralCreate,
    ReferralCreated,
)

router = APIRouter(route_class=GuardedRoute, tags=["referrals"])

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=120,
        pattern=r"^[\x21-\x7e]+$",
        description="Client-chosen key; repeating it returns the first case instead of a new one",
    ),
]


@router.post(
    "/referrals",
    status_code=201,
    response_model=ReferralCreated,
    responses={
        409: {"description": "Idempotency-Key reused (by you) for a different referral"},
        413: {"description": "Body too large"},
        422: {"description": "A field is missing, malformed or unknown"},
    },
)
def submit_referral(
    request: Request,
    body: ReferralCreate,
    response: Response,
    uow_factory: UowFactoryDep,
    correlation_id: CorrelationIdDep,
    actor: ActorDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> ReferralCreated:
    """Submit a referral. Answers only after the case and its event are committed.

    The signed-in case worker (or supervisor) is the case's sender: they may follow it and
    cancel its tasks. The legal basis is recorded with the case; a child's case needs the
    guardian's consent or the public-service basis. `possible_duplicates` lists open cases
    that may be the same person (the same NIK, or a similar name with a compatible birth
    date in the same kecamatan); the referral is stored and routed anyway."""
    result = referrals.submit_referral(
        uow_factory=uow_factory,
        data=body,
        idempotency_key=idempotency_key,
        correlation_id=correlation_id,
        today=date.today(),
        reported_by=actor.label,
        jurisdiction=actor.jurisdiction,
        duplicate_threshold=settings.duplicate_name_threshold,
    )
    if (audited := access_of(request)) is not None:
        audited.touch([result.case.id], basis=f"reporter ({body.legal_basis})")
    location = f"/api/v1/cases/{result.case.id}"
    response.headers["Location"] = location
    response.headers["X-Correlation-Id"] = result.case.correlation_id
    if result.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return ReferralCreated(
        case_id=result.case.id,
        tracking_code=result.case.tracking_code,
        status=result.case.status,
        links={"case": location},
        possible_duplicates=[
            PossibleDuplicateRead(
                case_id=f.case_id, tracking_code=f.tracking_code, match=f.match, score=f.score
            )
            for f in result.possible_duplicates
        ],
    )
