"""Notifications as people steer them: a coordinator's preferences, and the dead letters
supervisors send again."""

from __future__ import annotations

from fastapi import FastAPI

from services.intake.access import policy
from services.intake.access.policy import AD, API, CO, SV, allow
from services.intake.notifications import preference_routes, routes

RULES = {
    f"GET {API}/notifications/dead": allow(SV, AD, audit="notification"),
    f"POST {API}/notifications/{{notification_id}}/replay": allow(SV, AD, audit="notification"),
    f"GET {API}/me/notification-preferences": allow(CO),
    f"PUT {API}/me/notification-preferences": allow(CO),
}


def install(app: FastAPI) -> None:
    """Register the feature's routes with their access rules."""
    for router in (routes.router, preference_routes.router):
        policy.include(app, router, prefix=API, rules=RULES)
