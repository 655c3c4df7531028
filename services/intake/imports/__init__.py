"""Bulk intake: a spreadsheet of referrals (after a disaster, a list of victims) becomes
routed cases, each row by the rule of a single referral; its progress, each row's outcome,
the template and the failed rows to fix (API, page, CLI). The import worker
(worker.py, tasks.py, work.py) stores the rows in the background."""

from __future__ import annotations

from fastapi import FastAPI

from services.intake.access import policy
from services.intake.access.policy import API, CW, SV, allow
from services.intake.imports import pages, routes

RULES = {
    f"POST {API}/imports": allow(CW, SV, audit="import"),
    f"GET {API}/imports/template.csv": allow(CW, SV),
    f"GET {API}/imports/template.xlsx": allow(CW, SV),
    f"GET {API}/imports/{{import_id}}": allow(CW, SV, audit="import"),
    f"GET {API}/imports/{{import_id}}/rows": allow(CW, SV, audit="import"),
    f"GET {API}/imports/{{import_id}}/failed.csv": allow(CW, SV, audit="import"),
    "GET /rujukan/impor": allow(CW, SV, page=True),
    "POST /rujukan/impor": allow(CW, SV, page=True, audit="import"),
    "GET /rujukan/impor/{import_id}": allow(CW, SV, page=True, audit="import"),
    "GET /rujukan/impor/{import_id}/gagal.csv": allow(CW, SV, page=True, audit="import"),
}


def install(app: FastAPI) -> None:
    """Register the feature's routes with their access rules."""
    policy.include(app, routes.router, prefix=API, rules=RULES)
    policy.include(app, pages.router, rules=RULES)
