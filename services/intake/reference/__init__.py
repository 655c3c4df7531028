"""Reference data (PPKS categories, the Kemendagri regions): public, nothing personal."""

from __future__ import annotations

from fastapi import FastAPI

from services.intake.access import policy
from services.intake.access.policy import API, PUBLIC
from services.intake.reference import routes

RULES = {
    f"GET {API}/categories": PUBLIC,
    f"GET {API}/regions/{{code}}": PUBLIC,
}


def install(app: FastAPI) -> None:
    """Register the feature's routes with their access rules."""
    policy.include(app, routes.router, prefix=API, rules=RULES)
