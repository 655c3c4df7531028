"""Short-lived signed access tokens (JWT, HS256) carrying who acts.

Tokens are stateless: verifying one needs no database. That is why they are short-lived
(minutes for API clients, hours for a browser session) and why revoking a person's
access takes effect when their token expires; API keys, checked against the database on
every request, are revoked at once.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from datetime import datetime, timedelta

import jwt

from shared.workflow import Actor

ALGORITHM = "HS256"
ISSUER = "sekber"
# Domain separation: the same deployment secret also signs action links.
_CONTEXT = b"sekber/access-token/v1"
KINDS = ("access", "session")


class InvalidToken(Exception):
    """Not a token Sekber issued, altered, of the wrong kind, or expired."""


def _key(secret: str) -> bytes:
    return hmac.new(secret.encode(), _CONTEXT, hashlib.sha256).digest()


def issue(*, actor: Actor, secret: str, now: datetime, lifetime: timedelta, kind: str) -> str:
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
    }
    return jwt.encode(claims, _key(secret), algorithm=ALGORITHM)


def verify(token: str, *, secret: str, now: datetime, kind: str) -> Actor:
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
    return Actor(
        kind=str(claims["role"]),
        id=str(claims["aid"]),
        name=str(claims.get("name", "")),
        jurisdiction=str(claims.get("jur", "")),
        unit=str(claims.get("unit", "")),
        user=str(claims["sub"]),
    )
