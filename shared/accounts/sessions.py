"""Sessions that end: a token stands only while its account is active, its token version
is the account's, and its session was not signed out.

- Signing out revokes one session (a row in revoked_sessions until the token expires).
- Disabling the account, changing its password or ending all its sessions bumps the
  account's token version: every token issued before stops.

The intake checks each token it accepts (services/intake/access/auth.py) through a SessionCheck,
which keeps each verdict for a few seconds (SEKBER_SESSION_CHECK_SECONDS) so that a page
of requests costs one query; the process that signs a session out forgets its verdicts at
once. A token naming no account (none is ever deleted; only a test or a leaked signing
key makes one) is judged by its signature alone.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from shared.db import UowFactory
from shared.models import RevokedSession, User

# Verdicts kept per process at most; past that the cache starts afresh.
MAX_CACHED = 10_000


def revoke(
    session: Session, *, username: str, session_id: str, expires_at: datetime, now: datetime
) -> None:
    """Sign one session out; rows of sessions that have expired anyway are dropped."""
    session.execute(delete(RevokedSession).where(RevokedSession.expires_at < now))
    if session_id and session.get(RevokedSession, session_id) is None:
        session.add(
            RevokedSession(
                session_id=session_id, username=username, revoked_at=now, expires_at=expires_at
            )
        )


def end_all(user: User) -> None:
    """Every token of the account issued so far stops (its version no longer matches)."""
    user.token_version = (user.token_version or 0) + 1


def stands(session: Session, *, username: str, version: int, session_id: str) -> bool:
    row = session.execute(
        select(User.active, User.token_version).where(User.username == username)
    ).first()
    if row is None:
        return True
    active, current = row
    if not active or version != current:
        return False
    return not session_id or session.get(RevokedSession, session_id) is None


class SessionCheck:
    """Whether a token's session stands, each verdict kept for `ttl` seconds."""

    def __init__(
        self,
        uow_factory: UowFactory,
        *,
        ttl: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._uow_factory = uow_factory
        self._ttl = ttl
        self._monotonic = monotonic
        self._verdicts: dict[tuple[str, int, str], tuple[float, bool]] = {}
        self._lock = threading.Lock()

    def stands(self, *, username: str, version: int, session_id: str) -> bool:
        key = (username, version, session_id)
        now = self._monotonic()
        with self._lock:
            cached = self._verdicts.get(key)
        if cached is not None and now - cached[0] < self._ttl:
            return cached[1]
        with self._uow_factory() as uow:
            verdict = stands(uow.session, username=username, version=version, session_id=session_id)
        with self._lock:
            if len(self._verdicts) >= MAX_CACHED:
                self._verdicts.clear()
            self._verdicts[key] = (now, verdict)
        return verdict

    def forget(self, username: str) -> None:
        """This process judges the account's tokens afresh (after a sign-out here)."""
        with self._lock:
            for key in [k for k in self._verdicts if k[0] == username]:
                del self._verdicts[key]
