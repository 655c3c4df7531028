"""Reference data (PPKS categories, the Kemendagri regions, the working calendar):
nothing personal."""

from __future__ import annotations

from fastapi import FastAPI

from services.intake.access import policy
from services.intake.access.policy import AD, API, CO, CSR, CW, PUBLIC, SV, allow
from services.intake.reference import calendar_routes, routes

RULES = {
    f"GET {API}/categories": PUBLIC,
    f"GET {API}/regions/{{code}}": PUBLIC,
    f"GET {API}/calendar/{{year}}": allow(CW, CO, SV, AD, CSR),
    "GET /kalender": allow(CW, CO, SV, AD, CSR, page=True),
}


def install(app: FastAPI) -> None:
    """Register the feature's routes with their access rules."""
    policy.include(app, routes.router, prefix=API, rules=RULES)
    policy.include(app, calendar_routes.api, prefix=API, rules=RULES)
    policy.include(app, calendar_routes.pages, rules=RULES)
