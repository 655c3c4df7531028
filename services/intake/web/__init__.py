"""The page kit: rendering, the words of every page (Bahasa Indonesia first, English on
request), the templates and the static files. The pages themselves live with their
features (referrals, casework, dashboard, account)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from services.intake.web.render import HERE

STATIC_PATH = "/static"


def install(app: FastAPI) -> None:
    """Serve the static files (one CSS file, a few small scripts)."""
    app.mount(STATIC_PATH, StaticFiles(directory=HERE / "static"), name="static")
