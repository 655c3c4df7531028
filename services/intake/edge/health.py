from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from services.intake.edge import readiness
from services.intake.edge.textguard import GuardedRoute

router = APIRouter(route_class=GuardedRoute, tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


@router.get(
    "/readyz",
    responses={503: {"description": "A dependency failed; `checks` names it"}},
)
def readyz(request: Request) -> JSONResponse:
    """The process can serve: the database answers, Redis answers, migrations are at head."""
    checks: dict[str, Any] = readiness.check(request.app.state.readiness)
    ready = all(result == "ok" for result in checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "not ready", "checks": checks},
        status_code=200 if ready else 503,
    )
