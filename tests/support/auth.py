"""How tests say who acts: every test builds its credentials here.

Tokens are signed with the secret the test services run with (SECRET: tests/conftest.py
puts it in SEKBER_SECRET_KEY for the whole run), exactly as POST /api/v1/auth/token would
issue them; the sign-in itself (passwords, throttling, sessions, keys) has tests of its own."""

from __future__ import annotations

from datetime import timedelta

from shared.accounts import tokens
from shared.domain.actor import Actor
from shared.models.base import utcnow

# Known to the tests only; never the public placeholder, which every process refuses.
SECRET = "sekber-tests-only-secret-key-not-for-any-deployment"
# The tests' NIK key ring: two keys, the first current (base64 of 32 fixed bytes).
DATA_KEY = (
    "t2:"
    + "dGVzdHMtb25seS1kYXRhLWtleS1udW1iZXItdHdvISE"
    + ",t1:"
    + ("dGVzdHMtb25seS1kYXRhLWtleS1udW1iZXItb25lISE")
)


def token_for(
    kind: str,
    ident: str,
    name: str = "",
    *,
    jurisdiction: str = "",
    unit: str = "",
    secret: str = SECRET,
    # Long enough for tests that move the service's clock days ahead.
    lifetime: timedelta = timedelta(days=365),
    token_kind: str = "access",
) -> str:
    actor = Actor(kind, ident, name, jurisdiction=jurisdiction, unit=unit, user=ident)
    return tokens.issue(
        actor=actor, secret=secret, now=utcnow(), lifetime=lifetime, kind=token_kind
    )


def headers_for(
    kind: str, ident: str, name: str = "", *, jurisdiction: str = "", unit: str = ""
) -> dict[str, str]:
    """Request headers that authenticate as `kind` (case_worker, coordinator, supervisor,
    admin, csr) with the given id (a coordinator's directory UUID); jurisdiction is
    national unless given (a region code: that region and below)."""
    token = token_for(kind, ident, name, jurisdiction=jurisdiction, unit=unit)
    return {"Authorization": f"Bearer {token}"}
