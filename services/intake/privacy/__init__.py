"""The data subject's rights and the audit trail's reader (UU 27/2022), for admins."""

from __future__ import annotations

from fastapi import FastAPI

from services.intake.access import policy
from services.intake.access.policy import AD, API, allow
from services.intake.privacy import routes

RULES = {
    f"POST {API}/admin/subject-access": allow(AD, audit="person"),
    f"GET {API}/admin/audit": allow(AD, audit="audit"),
}


def install(app: FastAPI) -> None:
    """Register the feature's routes with their access rules."""
    policy.include(app, routes.router, prefix=API, rules=RULES)
