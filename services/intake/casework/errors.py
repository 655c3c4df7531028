"""How the life cycle's refusals answer: 403, 409 or 422, naming what was refused."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from services.intake.edge.errors import problem
from shared.casework.workflow import NotFound, StaleVersion
from shared.domain.lifecycle import TransitionError

_TRANSITION_STATUS = {"forbidden": 403, "conflict": 409, "invalid": 422}
# Where the refused part of the request was: who acts comes from the credentials, what to
# do from the path, the rest from the body.
_TRANSITION_LOC = {
    "role": ["header", "Authorization"],
    "actor": ["header", "Authorization"],
    "action": ["path", "action"],
    "referral_id": ["path", "referral_id"],
}


async def _transition(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, TransitionError)
    loc = _TRANSITION_LOC.get(exc.field, ["body", exc.field])
    status = _TRANSITION_STATUS.get(exc.kind, 422)
    return problem(status, [{"field": exc.field, "loc": loc, "msg": str(exc), "type": exc.kind}])


async def _stale(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StaleVersion)
    error = {
        "field": "version",
        "loc": ["body", "version"],
        "msg": str(exc),
        "type": "stale",
        "current_version": exc.current,
    }
    return problem(409, [error])


async def _not_found(_request: Request, exc: Exception) -> JSONResponse:
    loc = ["path", "referral_id"]
    return problem(
        404, [{"field": "referral_id", "loc": loc, "msg": str(exc), "type": "not_found"}]
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(TransitionError, _transition)
    app.add_exception_handler(StaleVersion, _stale)
    app.add_exception_handler(NotFound, _not_found)
