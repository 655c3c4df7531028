"""The supervisors' dashboard: pure measures (measures.py) and the SQL that feeds them
(queries.py). The routes are in services/intake/dashboard/routes.py."""

from __future__ import annotations

from fastapi import FastAPI

from services.intake.access import policy
from services.intake.access.policy import AD, API, SV, allow
from services.intake.dashboard import gap_page, gap_routes, page, routes

WIDGETS = (
    "summary",
    "flow",
    "open-tasks",
    "resolution-times",
    "breaches",
    "decline-reasons",
    "backlog",
    "service-gaps",
    "service-gaps/digest",
)
RULES = {
    # Counts and durations, no person in them.
    **{f"GET {API}/dashboard/{widget}": allow(SV, AD) for widget in WIDGETS},
    "GET /dasbor": allow(SV, AD, page=True),
    "GET /dasbor/celah-layanan": allow(SV, AD, page=True),
    "GET /dasbor/antrean.csv": allow(SV, AD, page=True, audit="referral"),
    "GET /dasbor/notifikasi-gagal.csv": allow(SV, AD, page=True, audit="notification"),
}


def install(app: FastAPI) -> None:
    """Register the dashboard's API and page with their access rules."""
    policy.include(app, routes.router, prefix=API, rules=RULES)
    policy.include(app, page.router, rules=RULES)
    policy.include(app, gap_routes.router, prefix=API, rules=RULES)
    policy.include(app, gap_page.router, rules=RULES)
