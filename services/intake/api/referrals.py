from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Header, Response

from services.intake import referrals
from services.intake.deps import CorrelationIdDep, OptionalActorDep, UowFactoryDep
from services.intake.schemas import ReferralCreate, ReferralCreated

router = APIRouter(tags=["referrals"])

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
        409: {"description": "Idempotency-Key reused for a different referral"},
        413: {"description": "Body too large"},
        422: {"description": "A field is missing, malformed or unknown"},
    },
)
def submit_referral(
    body: ReferralCreate,
    response: Response,
    uow_factory: UowFactoryDep,
    correlation_id: CorrelationIdDep,
    actor: OptionalActorDep,
    idempotency_key: IdempotencyKey = None,
) -> ReferralCreated:
    """Submit a referral. Answers only after the case and its event are committed.

    The sender (who may later cancel its tasks) is the X-Sekber-Actor when given, else the
    case worker named in the reporter: `case_worker:<e-mail>`, or `case_worker:<name>`."""
    result = referrals.submit_referral(
        uow_factory=uow_factory,
        data=body,
        idempotency_key=idempotency_key,
        correlation_id=correlation_id,
        today=date.today(),
        reported_by=actor.label if actor else None,
    )
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
    )
