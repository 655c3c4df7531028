"""Short-lived signed access tokens (JWT, HS256) carrying who acts.

Each token names its session (`sid`) and the account's token version (`ver`). The
signature is checked here, without a database; the intake then checks the session against
the account (shared/accounts/sessions.py): signing out revokes the session, and disabling
the account, changing its password or ending all its sessions bumps the version, which
ends every token issued before.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from shared.domain.actor import Actor

ALGORITHM = "HS256"
ISSUER = "sekber"
# Domain separation: the same deployment secret also signs action links.
_CONTEXT = b"sekber/access-token/v1"
KINDS = ("access", "session")


class InvalidToken(Exception):
    """Not a token Sekber issued, altered, of the wrong kind, or expired."""


@dataclass(frozen=True, slots=True)
class Verified:
    actor: Actor
    # The session the token belongs to ("" for tokens issued without one).
    session_id: str
    # The account's token version when the token was issued.
    version: int
    expires_at: datetime


def _key(secret: str) -> bytes:
    return hmac.new(secret.encode(), _CONTEXT, hashlib.sha256).digest()


def issue(
    *,
    actor: Actor,
    secret: str,
    now: datetime,
    lifetime: timedelta,
    kind: str,
    version: int = 0,
    session_id: str | None = None,
) -> str:
    if kind not in KINDS:
        raise ValueError(f"token kind must be one of {KINDS}")
    claims = {
        "iss": ISSUER,
        "sub": actor.user or actor.id,
        "typ": kind,
        "role": actor.kind,
        "aid": actor.id,
        "name": actor.name,
        "jur": actor.jurisdiction,
        "unit": actor.unit,
        "iat": int(now.timestamp()),
        "exp": int((now + lifetime).timestamp()),
        "jti": uuid.uuid4().hex,
        "sid": session_id or uuid.uuid4().hex,
        "ver": version,
    }
    return jwt.encode(claims, _key(secret), algorithm=ALGORITHM)


def verify(token: str, *, secret: str, now: datetime, kind: str) -> Actor:
    return verify_claims(token, secret=secret, now=now, kind=kind).actor


def verify_claims(token: str, *, secret: str, now: datetime, kind: str) -> Verified:
    """The actor, session and version of a token signed with `secret`, unexpired."""
    try:
        claims = jwt.decode(
            token,
            _key(secret),
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "typ", "role", "aid"], "verify_exp": False},
        )
    except jwt.InvalidTokenError as exc:
        raise InvalidToken(str(exc)) from None
    # Expiry against the service's clock (tests move it), not the wall clock.
    if int(claims["exp"]) <= now.timestamp():
        raise InvalidToken("the token has expired; sign in again")
    if claims["typ"] != kind:
        raise InvalidToken(f"a {claims['typ']} token cannot be used here")
    actor = Actor(
        kind=str(claims["role"]),
        id=str(claims["aid"]),
        name=str(claims.get("name", "")),
        jurisdiction=str(claims.get("jur", "")),
        unit=str(claims.get("unit", "")),
        user=str(claims["sub"]),
    )
    version = claims.get("ver", 0)
    return Verified(
        actor=actor,
        session_id=str(claims.get("sid", ""))[:64],
        version=version if isinstance(version, int) else -1,
        expires_at=datetime.fromtimestamp(int(claims["exp"]), tz=UTC),
    )
