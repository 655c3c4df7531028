"""Error responses: every 4xx names the field and the problem; no stack trace ever leaves."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path

from services.intake.edge import correlation
from shared.runtime import logcontext

log = logging.getLogger(__name__)


class ProblemItem(BaseModel):
    field: str | None
    loc: list[str | int]
    msg: str
    type: str


class Problem(BaseModel):
    """Every refusal: which field, and what is wrong with it."""

    detail: list[ProblemItem]


# Answers any route may give, documented once for all of them.
COMMON_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "Not signed in, or the credentials are wrong"},
    403: {"model": Problem, "description": "Not for your role"},
    404: {"model": Problem, "description": "Not found, or not in your scope"},
    413: {"model": Problem, "description": "Body too large"},
    422: {"model": Problem, "description": "A field is missing or wrong; it is named"},
    503: {
        "model": Problem,
        "description": "The database is unreachable, or the audit trail "
        "could not be written: nothing was done; retry (Retry-After)",
    },
}


def problem(status: int, errors: list[dict[str, Any]]) -> JSONResponse:
    return JSONResponse(status_code=status, content={"detail": errors})


def refused(status: int, loc: list[str], msg: str, kind: str) -> HTTPException:
    """An HTTPException whose body has the same shape as every other 4xx."""
    return HTTPException(
        status, detail=[{"field": field_of(loc), "loc": loc, "msg": msg, "type": kind}]
    )


def field_of(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "header", "query", "path")]
    return ".".join(parts) or "body"


async def _validation(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return problem(422, validation_errors(exc))


def validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    errors = [
        # "input" is left out on purpose: it would echo personal data back.
        {"field": field_of(e["loc"]), "loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]}
        for e in exc.errors()
    ]
    return errors


async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    # A lost connection or a database restarting: nothing was committed, and the client
    # may retry (with its Idempotency-Key).
    with logcontext.correlated(correlation.of_request(request)):
        log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc)
    response = problem(
        503,
        [{"field": None, "loc": [], "msg": "database unavailable; retry", "type": "unavailable"}],
    )
    response.headers["Retry-After"] = "5"
    return response


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    # Starlette runs this outside every middleware, the correlation's included.
    correlation_id = correlation.of_request(request)
    with logcontext.correlated(correlation_id):
        log.exception("unhandled error on %s %s", request.method, request.url.path)
    response = problem(500, [{"field": None, "loc": [], "msg": "internal error", "type": "server"}])
    response.headers[correlation.HEADER] = correlation_id
    return response


async def _http(request: Request, exc: Exception) -> Response:
    """Starlette's own refusals (no such path, method not allowed) in the shape of every
    other 4xx; a 405 lists every method the path takes, not only its first route's."""
    assert isinstance(exc, StarletteHTTPException)
    if isinstance(exc.detail, list):
        return await http_exception_handler(request, exc)
    field = {404: "path", 405: "method"}.get(exc.status_code)
    loc = [field] if field else []
    response = problem(
        exc.status_code, [{"field": field, "loc": loc, "msg": str(exc.detail), "type": "http"}]
    )
    response.headers.update(exc.headers or {})
    if exc.status_code == 405:
        response.headers["Allow"] = ", ".join(_methods_for(request))
    return response


def _methods_for(request: Request) -> list[str]:
    path = request.url.path
    methods: set[str] = set()
    for route in request.app.router.routes:
        methods |= _route_methods(route, path, "")
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


def _route_methods(route: Any, path: str, prefix: str) -> set[str]:
    """The methods of `route` (or of the routes of an included router) matching `path`."""
    included = getattr(route, "original_router", None)
    if included is not None:
        context = getattr(route, "include_context", None)
        inner = prefix + str(getattr(context, "prefix", "") or "")
        found: set[str] = set()
        for sub in included.routes:
            found |= _route_methods(sub, path, inner)
        return found
    template = getattr(route, "path", None)
    methods = getattr(route, "methods", None)
    if template is None or not methods:
        return set()
    regex, _, _ = compile_path(prefix + template)
    return set(methods) if regex.match(path) else set()


def install(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(OperationalError, _database_unavailable)
    app.add_exception_handler(InterfaceError, _database_unavailable)
    app.add_exception_handler(Exception, _unexpected)
