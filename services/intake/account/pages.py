"""The sign-in page of the web pages (Bahasa Indonesia, with English beneath): it sets the
session cookie the pages are served with, and /keluar clears it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.intake.access import signin
from services.intake.access.auth import SESSION_COOKIE
from services.intake.access.ratelimit import ThrottleUnavailable
from services.intake.edge.textguard import GuardedRoute
from services.intake.web import render
from services.intake.web.render import cross_site
from shared.accounts import users

FormFields = Annotated[dict[str, str], Depends(signin.form_fields)]
router = APIRouter(route_class=GuardedRoute, tags=["pages"], include_in_schema=False)

_MESSAGES = {
    401: ("Nama pengguna atau kata sandi salah.", "Wrong username or password."),
    429: ("Terlalu banyak percobaan. Coba lagi sebentar lagi.", "Too many attempts."),
    503: ("Coba lagi sebentar lagi.", "Try again shortly."),
    422: ("Isi nama pengguna dan kata sandi.", "Fill in username and password."),
}


def safe_next(value: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    if value and value.startswith("/") and not value.startswith(("//", "/\\")):
        return value
    return "/"


@router.get("/masuk", response_class=HTMLResponse)
def sign_in_page(next: str = "/") -> HTMLResponse:
    return HTMLResponse(_page(next_path=safe_next(next)))


@router.post("/masuk", response_class=HTMLResponse)
def sign_in(
    request: Request, form: Annotated[dict[str, str], Depends(signin.form_fields)]
) -> Response:
    username = form.get("username", "")[:80]
    next_path = safe_next(form.get("next"))
    if not username or not form.get("password"):
        return HTMLResponse(_page(next_path, username, 422), status_code=422)
    try:
        done = signin.sign_in(
            request,
            username=username,
            password=form["password"][:128],
            kind="session",
        )
    except signin.TooManyAttempts as exc:
        page = HTMLResponse(_page(next_path, username, 429), status_code=429)
        page.headers["Retry-After"] = str(exc.retry_after)
        return page
    except ThrottleUnavailable:
        page = HTMLResponse(_page(next_path, username, 503), status_code=503)
        page.headers["Retry-After"] = "5"
        return page
    except users.SignInRefused:
        return HTMLResponse(_page(next_path, username, 401), status_code=401)
    response = RedirectResponse(next_path, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        done.token,
        max_age=done.expires_in,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.public_base_url.startswith("https://"),
        path="/",
    )
    return response


@router.post("/keluar")
def sign_out(request: Request) -> Response:
    """Sign out: the session ends on the server, not only in this browser. Like every
    form, it must come from Sekber's own pages."""
    if cross_site(request):
        page = render.env.get_template("refused.html").render(status=403)
        return HTMLResponse(page, status_code=403)
    signin.sign_out(request)
    response = RedirectResponse("/masuk", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _page(next_path: str, username: str = "", status: int | None = None) -> str:
    return render.env.get_template("signin.html").render(
        next_path=next_path, username=username, message=_MESSAGES.get(status or 0)
    )
