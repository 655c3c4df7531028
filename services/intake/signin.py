"""Signing in with a username and password, for the token endpoint and the sign-in page:
rate-limited per client address, locked after repeated failures, every outcome audited."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qs

from fastapi import Request
from sqlalchemy.orm import Session

from services.intake import correlation
from services.intake.ratelimit import WindowLimiter
from shared import audit
from shared.accounts import tokens, users
from shared.accounts.principal import actor_of
from shared.config import Settings
from shared.db import UowFactory
from shared.workflow import Actor


class TooManyAttempts(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many sign-in attempts; try again in {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class SignedIn:
    actor: Actor
    token: str
    expires_in: int


async def form_fields(request: Request) -> dict[str, str]:
    """An application/x-www-form-urlencoded body (the OAuth2 password flow's format)."""
    body = (await request.body()).decode("utf-8", "replace")
    return {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}


def sign_in(
    request: Request, *, username: str, password: str, kind: str, limiter: WindowLimiter
) -> SignedIn:
    """A token for the account, or SignInRefused / AccountLocked / TooManyAttempts."""
    settings: Settings = request.app.state.settings
    uow_factory: UowFactory = request.app.state.uow_factory
    now: datetime = request.app.state.clock()
    client = request.client.host if request.client else ""
    retry_after = limiter.hit(client, now=time.monotonic())
    if retry_after is not None:
        raise TooManyAttempts(retry_after)
    policy = users.LoginPolicy(
        max_failures=settings.login_max_failures,
        lockout=timedelta(minutes=settings.lockout_minutes),
    )
    lifetime = (
        timedelta(minutes=settings.access_token_minutes)
        if kind == "access"
        else timedelta(hours=settings.session_hours)
    )
    correlation_id = correlation.of_request(request)

    def note(session: Session, name: str, action: str) -> None:
        _event(session, name, action, client=client, correlation_id=correlation_id, now=now)

    with uow_factory() as uow:
        try:
            user = users.authenticate(
                uow.session, username=username, password=password, now=now, policy=policy
            )
        except users.AccountLocked:
            note(uow.session, username, "locked")
            uow.commit()
            raise
        except users.SignInRefused:
            note(uow.session, username, "login_failed")
            uow.commit()
            raise
        actor = actor_of(user)
        note(uow.session, user.username, "login")
        uow.commit()
    token = tokens.issue(
        actor=actor, secret=settings.secret_key, now=now, lifetime=lifetime, kind=kind
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
