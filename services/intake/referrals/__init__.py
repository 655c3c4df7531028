"""Referrals and cases: submitting one (API and form), reading a case, the lists of cases,
and needs without identities for CSR partners."""

from __future__ import annotations

from fastapi import FastAPI

from services.intake.access import policy
from services.intake.access.policy import AD, API, CO, CSR, CW, EVERYONE, PUBLIC, SV, allow
from services.intake.referrals import (
    case_routes,
    errors,
    list_routes,
    merge_routes,
    needs_routes,
    offline,
    pages,
    routes,
)

RULES = {
    f"POST {API}/referrals": allow(CW, SV, audit="case"),
    f"GET {API}/cases/{{case_ref}}": allow(CW, CO, SV, AD, audit="case"),
    f"GET {API}/cases": allow(CW, CO, SV, AD, audit="case"),
    # Duplicates: a supervisor merges, undoes a merge within a day, dismisses a flag.
    f"POST {API}/cases/{{case_ref}}/merge": allow(SV, audit="case"),
    f"POST {API}/cases/{{case_ref}}/merge/undo": allow(SV, audit="case"),
    f"POST {API}/cases/{{case_ref}}/duplicates/dismiss": allow(SV, audit="case"),
    # CSR partners: needs without identities.
    f"GET {API}/needs": allow(CSR, SV, AD, audit="need"),
    "GET /": allow(*EVERYONE, page=True),
    "GET /rujukan/baru": allow(CW, SV, page=True),
    # The form offline: its reference data, and a refusal in the worker's words.
    f"GET {API}/referral-form": allow(CW, SV),
    f"POST {API}/referral-form/refusal": allow(CW, SV),
    "GET /sw.js": PUBLIC,
    "GET /manifest.webmanifest": PUBLIC,
    "POST /rujukan/baru": allow(CW, SV, page=True, audit="case"),
    # The same scope as GET /api/v1/cases: each sees the cases `case_list` lets them see.
    "GET /rujukan": allow(CW, CO, SV, AD, page=True, audit="case"),
}


def install(app: FastAPI) -> None:
    """Register the feature's routes with their access rules and the answers to its refusals."""
    for router in (
        routes.router,
        case_routes.router,
        merge_routes.router,
        needs_routes.router,
        list_routes.router,
        offline.api,
    ):
        policy.include(app, router, prefix=API, rules=RULES)
    policy.include(app, pages.router, rules=RULES)
    policy.include(app, offline.router, rules=RULES)
    errors.install(app)
