"""The import pages: /rujukan/impor (upload) and /rujukan/impor/{id} (progress, errors)."""

from __future__ import annotations

from fastapi import APIRouter

from services.intake.edge.textguard import GuardedRoute

router = APIRouter(route_class=GuardedRoute, include_in_schema=False)
