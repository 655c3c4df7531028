"""Signing in with a username and password, for the token endpoint and the sign-in page:
failed attempts slow down the (account, client address) pair and the address
(services/intake/access/ratelimit.py), never the account for everyone; a disabled, unknown or
throttled account answers exactly as any other; every outcome is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi import Request
from sqlalchemy.orm import Session

from services.intake.access.auth import SESSION_COOKIE
from services.intake.access.ratelimit import SignInThrottle
from services.intake.edge import correlation, textguard
from shared.accounts import audit, sessions, tokens, users
from shared.accounts.principal import actor_of
from shared.accounts.sessions import SessionCheck
from shared.config import Settings
from shared.db import UowFactory
from shared.domain.actor import Actor


class TooManyAttempts(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many sign-in attempts; try again in {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class SignedIn:
    actor: Actor
    token: str
    expires_in: int


FORM = "application/x-www-form-urlencoded"


async def form_fields(request: Request) -> dict[str, str]:
    """An application/x-www-form-urlencoded body (the OAuth2 password flow's format), its
    fields checked by the text guard; the first of a repeated field counts."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != FORM:
        raise textguard.refusal(415, ["header", "Content-Type"], f"send {FORM}", "media_type")
    fields: dict[str, str] = {}
    for name, value in textguard.parse_form(await request.body()):
        fields.setdefault(name, value)
    return fields


def sign_in(request: Request, *, username: str, password: str, kind: str) -> SignedIn:
    """A token for the account, or SignInRefused / TooManyAttempts / ThrottleUnavailable."""
    settings: Settings = request.app.state.settings
    uow_factory: UowFactory = request.app.state.uow_factory
    throttle: SignInThrottle = request.app.state.signin_throttle
    now: datetime = request.app.state.clock()
    # The address actually used (services/intake/access/client_address.py).
    client = request.client.host if request.client else ""
    account = users.normalise_username(username)[:80]
    lifetime = (
        timedelta(minutes=settings.access_token_minutes)
        if kind == "access"
        else timedelta(hours=settings.session_hours)
    )
    correlation_id = correlation.of_request(request)

    def note(session: Session, name: str, action: str) -> None:
        _event(session, name, action, client=client, correlation_id=correlation_id, now=now)

    wait = throttle.wait_seconds(account, client)
    if wait:
        with uow_factory() as uow:
            note(uow.session, account, "throttled")
            uow.commit()
        raise TooManyAttempts(wait)
    try:
        verified = users.verify_password(uow_factory, username=username, password=password)
    except users.SignInRefused:
        with uow_factory() as uow:
            note(uow.session, account, "login_failed")
            uow.commit()
        throttle.failed(account, client)
        raise
    with uow_factory() as uow:
        try:
            user = users.signed_in(uow.session, verified)
        except users.SignInRefused:
            note(uow.session, account, "login_failed")
            uow.commit()
            throttle.failed(account, client)
            raise
        actor = actor_of(user)
        version = user.token_version
        note(uow.session, user.username, "login")
        uow.commit()
    throttle.succeeded(account, client)
    token = tokens.issue(
        actor=actor,
        secret=settings.secret_key,
        now=now,
        lifetime=lifetime,
        kind=kind,
        version=version,
    )
    return SignedIn(actor, token, int(lifetime.total_seconds()))


def _event(
    session: Session, username: str, action: str, *, client: str, correlation_id: str, now: datetime
) -> None:
    audit.security_event(
        session,
        actor=f"user:{users.normalise_username(username)[:80]}",
        role="-",
        action=action,
        object_type="account",
        object_id=users.normalise_username(username)[:64],
        now=now,
        client=client,
        correlation_id=correlation_id,
    )


def sign_out(request: Request) -> None:
    """End the session of the request's cookie on the server: the cookie, even if kept,
    opens nothing from now on (in this process at once, in the others within
    SEKBER_SESSION_CHECK_SECONDS)."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return
    state = request.app.state
    now: datetime = state.clock()
    try:
        verified = tokens.verify_claims(
            cookie, secret=state.settings.secret_key, now=now, kind="session"
        )
    except tokens.InvalidToken:
        return  # expired or not ours: nothing to end
    username = verified.actor.user
    uow_factory: UowFactory = state.uow_factory
    with uow_factory() as uow:
        sessions.revoke(
            uow.session,
            username=username,
            session_id=verified.session_id,
            expires_at=verified.expires_at,
            now=now,
        )
        _event(
            uow.session,
            username,
            "logout",
            client=request.client.host if request.client else "",
            correlation_id=correlation.of_request(request),
            now=now,
        )
        uow.commit()
    session_check: SessionCheck = state.session_check
    session_check.forget(username)
