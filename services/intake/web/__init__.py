"""The page kit: rendering, the words of every page (Bahasa Indonesia first, English on
request), the templates and the static files. The pages themselves live with their
features (referrals, casework, dashboard, account)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.requests import Request
from starlette.responses import FileResponse
from starlette.routing import Route

from services.intake.web.render import HERE

STATIC_PATH = "/static"
STATIC_DIR = HERE / "static"


def install(app: FastAPI) -> None:
    """Serve the static files (one CSS file, a few small scripts)."""
    app.mount(STATIC_PATH, StaticFiles(directory=STATIC_DIR), name="static")
    # Browsers ask for /favicon.ico whatever the page links: answer with the same icon.
    app.router.routes.append(Route("/favicon.ico", _favicon, methods=["GET", "HEAD"]))


def _favicon(request: Request) -> FileResponse:
    return FileResponse(
        STATIC_DIR / "favicon.svg",
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=86400"},
    )
