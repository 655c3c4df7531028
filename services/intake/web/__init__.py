"""The web pages for case workers, coordinators and supervisors, served by the intake
(same origin as the API, behind the login). Bahasa Indonesia first, English on request."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from services.intake.access import policy
from services.intake.casework import case_page, inbox_page
from services.intake.dashboard import page as dashboard_page
from services.intake.referrals import pages
from services.intake.web.render import HERE

STATIC_PATH = "/static"


def install(app: FastAPI) -> None:
    """Register the pages and their static files (one CSS file, a few small scripts)."""
    for module in (pages, case_page, inbox_page, dashboard_page):
        policy.include(app, module.router)
    app.mount(STATIC_PATH, StaticFiles(directory=HERE / "static"), name="static")
