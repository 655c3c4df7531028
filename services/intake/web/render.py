"""Rendering the pages: the Jinja2 environment, the language, the login redirect."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from services.intake.web import i18n
from shared.domain.actor import Actor

HERE = Path(__file__).parent
LANG_COOKIE = "sekber_lang"
LOGIN_PATH = "/masuk"
# East Java keeps Western Indonesia Time (UTC+7) all year.
WIB = timezone(timedelta(hours=7), "WIB")
# Pages show personal data: never cached by a shared cache, never framed elsewhere.
HEADERS = {
    "Cache-Control": "private, no-store",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}

env = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def local_time(value: datetime | str | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(WIB).strftime("%d-%m-%Y %H:%M WIB")


def day_month_year(value: date | datetime | str | None) -> str:
    """Dates as people here write them: 05-12-2026."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return value.strftime("%d-%m-%Y")


env.filters["wib"] = local_time
env.filters["dmy"] = day_month_year
env.globals["zip"] = zip


def language(request: Request) -> str:
    """?lang= wins (and is remembered in a cookie), then the cookie, then Indonesian."""
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    return asked if asked in i18n.LANGS else i18n.DEFAULT


def page(
    request: Request,
    template: str,
    *,
    actor: Actor | None,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    lang = language(request)
    other = "en" if lang == "id" else "id"
    query = {k: v for k, v in request.query_params.items() if k not in ("lang", "ok", "baru")}
    switch_url = f"{request.url.path}?{urlencode({**query, 'lang': other})}"
    html = env.get_template(template).render(
        request=request,
        lang=lang,
        other_lang=other,
        t=i18n.translator(lang),
        L=lambda table, code: i18n.label(table, code, lang),
        i18n=i18n,
        actor=actor,
        path=request.url.path,
        switch_url=switch_url,
        **context,
    )
    response = HTMLResponse(html, status_code=status, headers=HEADERS)
    if request.query_params.get("lang") in i18n.LANGS:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax")
    return response


def to_login(request: Request) -> RedirectResponse:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"{LOGIN_PATH}?next={quote(here)}", status_code=303)


def forbidden(request: Request, actor: Actor) -> HTMLResponse:
    return page(request, "message.html", actor=actor, status=403, kind="forbidden")


def not_found(request: Request, actor: Actor) -> HTMLResponse:
    return page(request, "message.html", actor=actor, status=404, kind="notfound")


def bad_input(request: Request, *, status: int, field: str, msg: str) -> HTMLResponse:
    """A form or address the text guard refused: which field, and why."""
    return page(
        request,
        "message.html",
        actor=None,
        status=status,
        kind="badinput",
        detail=f"{field}: {msg}",
    )


def cross_site(request: Request) -> bool:
    """A form post sent from another site's page: the browser names it in Origin, or,
    without Origin, in Referer. A post naming neither is taken as a person's own (an old
    browser or a script without a cookie of ours)."""
    origin = request.headers.get("origin")
    if origin == "null":
        return True
    source = origin or request.headers.get("referer")
    if not source:
        return False
    return urlsplit(source).netloc != request.headers.get("host", "")
