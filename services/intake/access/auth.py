"""Who is asking: credentials from the request, checked.

Three ways in, tried in this order:
- `Authorization: Bearer <token>`: an access token from POST /api/v1/auth/token, or an
  API key (`sekber_...`) for systems that integrate;
- `X-API-Key: sekber_...`;
- the `sekber_session` cookie the sign-in page sets for the web pages (HttpOnly,
  SameSite=Lax). A cookie travels with every request the browser makes, so a request that
  changes something must also come from our own pages: its Origin (or Referer) must be
  this service's.

A token's signature is not enough: its session must still stand (signed out, account
disabled, password changed: shared/accounts/sessions.py), checked through the app's
SessionCheck, which keeps each verdict for a few seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from urllib.parse import urlsplit

from fastapi import Request

from services.intake.edge.errors import refused
from shared.accounts import apikeys, tokens
from shared.accounts.principal import actor_of
from shared.accounts.sessions import SessionCheck
from shared.config import Settings
from shared.db import UowFactory
from shared.domain.actor import Actor

SESSION_COOKIE = "sekber_session"
API_KEY_HEADER = "X-API-Key"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# A key's last use is written at most this often (a write per request would be waste).
KEY_USE_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class Credentials:
    actor: Actor
    method: Literal["token", "api_key", "cookie"]


class CredentialsRefused(Exception):
    """Credentials were given and are wrong: a 401 naming where they came from."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def authenticate(
    request: Request, *, settings: Settings, uow_factory: UowFactory, now: datetime
) -> Credentials | None:
    """The caller's credentials, None when it gave none; raises on wrong ones."""
    header = request.headers.get("authorization", "").strip()
    if header:
        scheme, _, value = header.strip().partition(" ")
        value = value.strip()
        if scheme.lower() != "bearer" or not value:
            raise CredentialsRefused("Authorization", "send 'Bearer <token or API key>'")
        if apikeys.looks_like_key(value):
            return _by_key(value, "Authorization", uow_factory=uow_factory, now=now)
        try:
            verified = tokens.verify_claims(
                value, secret=settings.secret_key, now=now, kind="access"
            )
        except tokens.InvalidToken as exc:
            raise CredentialsRefused("Authorization", str(exc)) from None
        if not _stands(request, verified):
            raise CredentialsRefused("Authorization", "the session has ended; sign in again")
        return Credentials(verified.actor, "token")
    key = request.headers.get(API_KEY_HEADER, "").strip()
    if key:
        return _by_key(key, API_KEY_HEADER, uow_factory=uow_factory, now=now)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        try:
            verified = tokens.verify_claims(
                cookie, secret=settings.secret_key, now=now, kind="session"
            )
        except tokens.InvalidToken:
            return None  # an old session: the pages ask to sign in again
        if not _stands(request, verified):
            return None  # signed out: likewise
        return Credentials(verified.actor, "cookie")
    return None


def _stands(request: Request, verified: tokens.Verified) -> bool:
    check: SessionCheck = request.app.state.session_check
    return check.stands(
        username=verified.actor.user, version=verified.version, session_id=verified.session_id
    )


def _by_key(key: str, field: str, *, uow_factory: UowFactory, now: datetime) -> Credentials:
    with uow_factory() as uow:
        user = apikeys.resolve(uow.session, key, now=now)
        if user is None:
            raise CredentialsRefused(field, "unknown, revoked or expired API key")
        actor = actor_of(user)
        apikeys.mark_used(uow.session, key, now=now, resolution=KEY_USE_RESOLUTION)
        uow.commit()
    return Credentials(actor, "api_key")


def check_same_origin(request: Request, *, settings: Settings) -> None:
    """A cookie-authenticated change must come from this service's own pages."""
    if request.method not in UNSAFE_METHODS:
        return
    source = request.headers.get("origin") or request.headers.get("referer") or ""
    if _origin(source) not in {_origin(str(request.base_url)), _origin(settings.public_base_url)}:
        raise refused(
            403,
            ["header", "Origin"],
            "a change with a session cookie must come from Sekber",
            "csrf",
        )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else "-"
