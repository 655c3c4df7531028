"""Error responses: every 4xx names the field and the problem; no stack trace ever leaves."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from services.intake.referrals import IdempotencyConflict, InvalidReferral

log = logging.getLogger(__name__)


def problem(status: int, errors: list[dict[str, Any]]) -> JSONResponse:
    return JSONResponse(status_code=status, content={"detail": errors})


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "header", "query", "path")]
    return ".".join(parts) or "body"


async def _validation(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        # "input" is left out on purpose: it would echo personal data back.
        {"field": _field(e["loc"]), "loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]}
        for e in exc.errors()
    ]
    return problem(422, errors)


async def _invalid_referral(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InvalidReferral)
    loc = ["body", *exc.field]
    return problem(422, [{"field": _field(loc), "loc": loc, "msg": str(exc), "type": "not_found"}])


async def _idempotency_conflict(_request: Request, exc: Exception) -> JSONResponse:
    loc = ["header", "Idempotency-Key"]
    return problem(
        409, [{"field": "Idempotency-Key", "loc": loc, "msg": str(exc), "type": "conflict"}]
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem(500, [{"field": None, "loc": [], "msg": "internal error", "type": "server"}])


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(InvalidReferral, _invalid_referral)
    app.add_exception_handler(IdempotencyConflict, _idempotency_conflict)
    app.add_exception_handler(Exception, _unexpected)
