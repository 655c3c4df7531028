"""Signing in and out: the token endpoint, who am I, and the sign-in page."""

from __future__ import annotations

from fastapi import FastAPI

from services.intake.access import policy
from services.intake.access.policy import API, EVERYONE, PUBLIC, Rule
from services.intake.account import pages, routes

RULES = {
    f"POST {API}/auth/token": PUBLIC,
    f"GET {API}/auth/me": Rule(EVERYONE),
    "GET /masuk": PUBLIC,
    "POST /masuk": PUBLIC,
    "POST /keluar": PUBLIC,
}


def install(app: FastAPI) -> None:
    """Register the feature's routes with their access rules."""
    policy.include(app, routes.router, prefix=API, rules=RULES)
    policy.include(app, pages.router, rules=RULES)
