"""Creating accounts, and signing in with a password: lock-out after repeated failures."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.accounts import passwords
from shared.domain import regions
from shared.domain.access import ROLES, Role
from shared.models import Coordinator, User

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@+-]{1,79}$")


class AccountError(ValueError):
    """A request about an account that cannot be met; `field` names what is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class LoginPolicy:
    max_failures: int
    lockout: timedelta


class SignInRefused(Exception):
    """Wrong username or password; deliberately the same for both."""


class AccountLocked(Exception):
    def __init__(self, until: datetime) -> None:
        super().__init__(f"too many failed sign-ins; locked until {until:%Y-%m-%d %H:%M} UTC")
        self.until = until


def normalise_username(username: str) -> str:
    return username.strip().lower()


def create_user(
    session: Session,
    *,
    username: str,
    name: str,
    role: str,
    password: str | None,
    jurisdiction: str = "",
    coordinator_ref: str | None = None,
    unit_ref: str | None = None,
) -> User:
    username = normalise_username(username)
    if not USERNAME.match(username):
        raise AccountError("username", "2-80 characters: lower-case letters, digits, . _ @ + -")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise AccountError("username", f"{username} exists already")
    if role not in ROLES:
        raise AccountError("role", f"one of {', '.join(ROLES)}")
    if not name.strip():
        raise AccountError("name", "required")
    jurisdiction = jurisdiction.strip()
    if jurisdiction and not regions.is_well_formed(jurisdiction):
        raise AccountError("jurisdiction", "a region code such as 35 or 35.08, or empty")
    coordinator = _coordinator(session, coordinator_ref, "coordinator")
    unit = _coordinator(session, unit_ref, "unit")
    if role == Role.COORDINATOR:
        if coordinator is None:
            raise AccountError("coordinator", "a coordinator account needs its directory entry")
        jurisdiction = jurisdiction or coordinator.region_code
    elif coordinator is not None or unit is not None:
        raise AccountError("coordinator", "only coordinator accounts have a directory entry")
    if password is not None and (problem := passwords.weakness(password)):
        raise AccountError("password", problem)
    user = User(
        username=username,
        name=name.strip(),
        role=role,
        jurisdiction=jurisdiction,
        coordinator_id=coordinator.id if coordinator else None,
        unit_id=unit.id if unit else None,
        password_hash=passwords.hash_password(password) if password is not None else None,
    )
    session.add(user)
    session.flush()
    return user


def _coordinator(session: Session, ref: str | None, field: str) -> Coordinator | None:
    """A directory entry by its id or its external reference."""
    if not ref:
        return None
    try:
        found = session.get(Coordinator, uuid.UUID(ref))
    except ValueError:
        found = session.scalar(select(Coordinator).where(Coordinator.external_ref == ref))
    if found is None:
        raise AccountError(field, f"no directory entry {ref}")
    return found


def find(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == normalise_username(username)))
    if user is None:
        raise AccountError("username", f"no account {username}")
    return user


def set_password(session: Session, *, username: str, password: str) -> User:
    user = find(session, username)
    if problem := passwords.weakness(password):
        raise AccountError("password", problem)
    user.password_hash = passwords.hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    return user


def set_active(session: Session, *, username: str, active: bool) -> User:
    user = find(session, username)
    user.active = active
    return user


def authenticate(
    session: Session, *, username: str, password: str, now: datetime, policy: LoginPolicy
) -> User:
    """The account, when the password is right; counts failures and locks the account
    after `policy.max_failures` of them in a row. The caller commits either way."""
    user = session.scalar(
        select(User).where(User.username == normalise_username(username)).with_for_update()
    )
    if user is None or not user.active:
        passwords.verify(password, None)
        raise SignInRefused()
    if user.locked_until is not None and user.locked_until > now:
        raise AccountLocked(user.locked_until)
    ok, new_hash = passwords.verify(password, user.password_hash)
    if not ok:
        user.failed_logins += 1
        if user.failed_logins >= policy.max_failures:
            user.locked_until = now + policy.lockout
            user.failed_logins = 0
            raise AccountLocked(user.locked_until)
        raise SignInRefused()
    if new_hash:
        user.password_hash = new_hash
    user.failed_logins = 0
    user.locked_until = None
    return user
