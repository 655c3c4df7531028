"""Sessions that end: a token stands only while its account is active, its token version
is the account's, and its session was not signed out.

- Signing out revokes one session (a row in revoked_sessions until the token expires).
- Disabling the account, changing its password or ending all its sessions bumps the
  account's token version: every token issued before stops.

The intake checks each token it accepts (services/intake/access/auth.py) through a SessionCheck,
which keeps what decides an account's verdicts for a few seconds
(SEKBER_SESSION_CHECK_SECONDS) so that a page of requests, or many tokens of one account,
cost one visit to the database; the process that signs a session out forgets its verdicts at
once. A token naming no account (none is ever deleted; only a test or a leaked signing
key makes one) is judged by its signature alone.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from shared.db import UowFactory
from shared.models import RevokedSession, User

# Accounts kept per process at most; past that the cache starts afresh.
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
    found = account_state(session, username)
    return True if found is None else found.judge(version=version, session_id=session_id)


@dataclass(frozen=True, slots=True)
class AccountState:
    """What decides whether any token of one account stands."""

    active: bool
    token_version: int
    revoked: frozenset[str]

    def judge(self, *, version: int, session_id: str) -> bool:
        if not self.active or version != self.token_version:
            return False
        return not session_id or session_id not in self.revoked


def account_state(session: Session, username: str) -> AccountState | None:
    row = session.execute(
        select(User.active, User.token_version).where(User.username == username)
    ).first()
    if row is None:
        return None
    revoked = session.scalars(
        select(RevokedSession.session_id).where(RevokedSession.username == username)
    )
    return AccountState(bool(row[0]), int(row[1] or 0), frozenset(revoked))


class SessionCheck:
    """Whether a token's session stands. What decides it is kept per account for `ttl`
    seconds (its state, version and signed-out sessions, read in one visit), so a new
    token of a known account, or a page of requests, costs no query."""

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
        self._accounts: dict[str, tuple[float, AccountState | None]] = {}
        self._lock = threading.Lock()

    def stands(self, *, username: str, version: int, session_id: str) -> bool:
        now = self._monotonic()
        with self._lock:
            cached = self._accounts.get(username)
        if cached is None or now - cached[0] >= self._ttl:
            with self._uow_factory() as uow:
                state = account_state(uow.session, username)
            cached = (now, state)
            with self._lock:
                if len(self._accounts) >= MAX_CACHED:
                    self._accounts.clear()
                self._accounts[username] = cached
        state = cached[1]
        return True if state is None else state.judge(version=version, session_id=session_id)

    def forget(self, username: str) -> None:
        """This process judges the account's tokens afresh (after a sign-out here)."""
        with self._lock:
            self._accounts.pop(username, None)
