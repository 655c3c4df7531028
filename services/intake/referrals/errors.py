"""How the referral service's refusals answer: the field and the problem."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from services.intake.edge.errors import field_of, problem
from services.intake.referrals.service import IdempotencyConflict, InvalidReferral


async def _invalid_referral(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InvalidReferral)
    loc = ["body", *exc.field]
    error = {"field": field_of(loc), "loc": loc, "msg": str(exc), "type": exc.kind}
    return problem(exc.status, [error])


async def _idempotency_conflict(_request: Request, exc: Exception) -> JSONResponse:
    loc = ["header", "Idempotency-Key"]
    return problem(
        409, [{"field": "Idempotency-Key", "loc": loc, "msg": str(exc), "type": "conflict"}]
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(InvalidReferral, _invalid_referral)
    app.add_exception_handler(IdempotencyConflict, _idempotency_conflict)
