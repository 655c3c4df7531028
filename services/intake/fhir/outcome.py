"""FHIR's answers and refusals: every response under /fhir/ is application/fhir+json, and
every refusal there an OperationOutcome.

The app's refusals keep one shape (services/intake/edge/errors.py: a list of
{field, loc, msg, type}); under /fhir/ the same refusal, from the same handler, is
re-worded as an OperationOutcome with the same status and headers (WWW-Authenticate,
Allow, Retry-After). A request FastAPI could not read (422 elsewhere) is a 400 here, as
FHIR servers answer a bad search. Nothing changes for /api/v1.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.intake.edge import errors
from services.intake.edge.textguard import InputRefused
from services.intake.fhir.codes import MEDIA_TYPE

PREFIX = "/fhir/"
# OperationOutcome.issue.code (http://hl7.org/fhir/issue-type) for each status.
ISSUE_TYPE = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    406: "not-supported",
    413: "too-long",
    415: "not-supported",
    429: "throttled",
    500: "exception",
    503: "transient",
}
Handler = Callable[[Request, Any], Any]


class FhirResponse(JSONResponse):
    media_type = MEDIA_TYPE


def answer(resource: dict[str, Any], status: int = 200) -> FhirResponse:
    return FhirResponse(resource, status_code=status, media_type=f"{MEDIA_TYPE}; charset=utf-8")


def operation_outcome(status: int, problems: list[dict[str, Any]]) -> dict[str, Any]:
    """An OperationOutcome naming each problem's field (a search parameter, a header, a path
    segment) and what is wrong with it."""
    code = ISSUE_TYPE.get(status, "exception" if status >= 500 else "processing")
    issues = []
    for problem in problems or [{"msg": "refused"}]:
        field, msg = problem.get("field"), str(problem.get("msg") or "refused")
        issues.append(
            {
                "severity": "fatal" if status >= 500 else "error",
                "code": code,
                "diagnostics": f"{field}: {msg}" if field else msg,
            }
        )
    return {"resourceType": "OperationOutcome", "issue": issues}


def refusal(status: int, problems: list[dict[str, Any]], headers: dict[str, str]) -> Response:
    response = answer(operation_outcome(status, problems), status)
    response.headers.update(headers)
    return response


def _under_fhir(request: Request) -> bool:
    return request.url.path.startswith(PREFIX)


def _reworded(original: Handler) -> Handler:
    async def handler(request: Request, exc: Exception) -> Response:
        response = original(request, exc)
        if inspect.isawaitable(response):
            response = await response
        if not _under_fhir(request) or not isinstance(response, JSONResponse):
            return response
        status = 400 if response.status_code == 422 else response.status_code
        try:
            body = json.loads(bytes(response.body))
        except ValueError:
            body = {}
        problems = body.get("detail") if isinstance(body, dict) else None
        if not isinstance(problems, list):
            problems = [{"msg": str(problems or "refused")}]
        kept = {
            k: v
            for k, v in response.headers.items()
            if k.lower() not in ("content-length", "content-type")
        }
        return refusal(status, problems, kept)

    return handler


def install(app: FastAPI) -> None:
    """Re-word the app's refusals under /fhir/ (call after the app's handlers are set)."""
    for kind in (
        StarletteHTTPException,
        InputRefused,
        RequestValidationError,
        OperationalError,
        InterfaceError,
        Exception,
    ):
        original = app.exception_handlers.get(kind)
        if original is None:
            raise RuntimeError(f"no handler for {kind.__name__} to answer FHIR refusals from")
        app.add_exception_handler(kind, _reworded(original))


# For the OpenAPI document: the shapes of a resource and of a refusal, loosely.
class ResourceDoc(BaseModel):
    """A FHIR R4 resource (JSON); its resourceType says which."""

    model_config = ConfigDict(extra="allow")
    resourceType: str


class IssueDoc(BaseModel):
    model_config = ConfigDict(extra="allow")
    severity: Literal["fatal", "error", "warning", "information"]
    code: str
    diagnostics: str | None = None


class OperationOutcomeDoc(BaseModel):
    """A refusal: what is wrong, and with which parameter."""

    model_config = ConfigDict(extra="allow")
    resourceType: Literal["OperationOutcome"]
    issue: list[IssueDoc]


RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": ResourceDoc, "description": "The resource (application/fhir+json)"},
    400: {"model": OperationOutcomeDoc, "description": "A search parameter is unknown or wrong"},
    **{
        status: {"model": OperationOutcomeDoc, "description": doc["description"]}
        for status, doc in errors.COMMON_RESPONSES.items()
        if status != 422
    },
    # FastAPI's 422 for a request it cannot read is a 400 here.
    422: {"model": OperationOutcomeDoc, "description": "Never: see 400"},
}
