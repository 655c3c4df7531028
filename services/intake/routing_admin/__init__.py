"""Routing as supervisors and admins see it: why a case went where it did, the queue of
tasks nobody could take, simulations, and the rule sets."""

from __future__ import annotations

from fastapi import FastAPI

from services.intake.access import policy
from services.intake.access.policy import AD, API, CO, CW, SV, allow
from services.intake.routing_admin import errors, queue_routes, routes, rules_routes

RULES = {
    f"GET {API}/cases/{{case_ref}}/routing": allow(CW, CO, SV, AD, audit="case"),
    f"GET {API}/referrals/unassigned": allow(SV, AD, audit="referral"),
    f"POST {API}/routing/simulate": allow(SV, AD),
    f"GET {API}/routing/rules": allow(SV, AD),
    f"GET {API}/routing/rules/versions": allow(SV, AD),
    f"PUT {API}/routing/rules": allow(AD),
}


def install(app: FastAPI) -> None:
    """Register the feature's routes with their access rules and the answers to its refusals."""
    for router in (queue_routes.router, routes.router, rules_routes.router):
        policy.include(app, router, prefix=API, rules=RULES)
    errors.install(app)
