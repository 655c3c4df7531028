"""Creating accounts, and signing in with a password.

Repeated failures are slowed down per client address (services/intake/access/ratelimit.py), not
by locking the account, which would let anyone lock its owner out."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.accounts import passwords, sessions
from shared.db import UowFactory, read_only
from shared.domain import phone as phones
from shared.domain import regions
from shared.domain.access import ROLES, Role
from shared.models import Coordinator, User

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@+-]{1,79}$")


class AccountError(ValueError):
    """A request about an account that cannot be met; `field` names what is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class SignInRefused(Exception):
    """Wrong username or password, or a disabled account; deliberately the same for all."""


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
    phone: str | None = None,
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
    if phone:
        _register_phone(session, user, phone)
    session.flush()
    return user


def set_phone(session: Session, *, username: str, phone: str | None) -> User:
    """Register the number a person reports cases from by SMS (docs/messaging.md); None or
    "" takes it away."""
    user = find(session, username)
    if phone:
        _register_phone(session, user, phone)
    else:
        user.phone = None
    return user


def _register_phone(session: Session, user: User, raw: str) -> None:
    number = phones.normalise(raw)
    if number is None or len(number) > 16:
        raise AccountError("phone", "a phone number such as +6281234567890 or 081234567890")
    if user.role == Role.COORDINATOR:
        raise AccountError(
            "phone", "a coordinator's phone is in the directory (its `phone` column)"
        )
    holder = session.scalar(select(User.username).where(User.phone == number))
    if holder is not None and holder != user.username:
        raise AccountError("phone", f"{number} is registered to another account")
    user.phone = number


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
    sessions.end_all(user)  # whoever held the old password is signed out
    return user


def set_active(session: Session, *, username: str, active: bool) -> User:
    user = find(session, username)
    if user.active and not active:
        sessions.end_all(user)
    user.active = active
    return user


def end_sessions(session: Session, *, username: str) -> User:
    """Sign the account out everywhere: every token issued so far stops."""
    user = find(session, username)
    sessions.end_all(user)
    return user


@dataclass(frozen=True, slots=True)
class Verified:
    """A password found right for an account, outside any transaction; `new_hash` when the
    stored hash has outdated parameters."""

    user_id: Any
    password_hash: str
    new_hash: str | None


def verify_password(uow_factory: UowFactory, *, username: str, password: str) -> Verified:
    """Check a password without holding a transaction through Argon2: the hash is read in
    a short transaction of its own, then checked (a SQLite write lock, or a pooled
    connection, is never held while Argon2 runs). SignInRefused after the same work
    whether or not the account exists."""
    with uow_factory() as uow:
        read_only(uow.session)
        found = uow.session.execute(
            select(User.id, User.active, User.password_hash).where(
                User.username == normalise_username(username)
            )
        ).first()
    if found is None or not found.active or found.password_hash is None:
        passwords.verify(password, None)  # the same work as a real check
        raise SignInRefused()
    ok, new_hash = passwords.verify(password, found.password_hash)
    if not ok:
        raise SignInRefused()
    return Verified(found.id, found.password_hash, new_hash)


def signed_in(session: Session, verified: Verified) -> User:
    """The account a verified password opens, unless it was disabled or given a new
    password meanwhile (SignInRefused); an outdated hash is replaced. The caller commits."""
    user = session.get(User, verified.user_id)
    if user is None or not user.active or user.password_hash != verified.password_hash:
        raise SignInRefused()
    if verified.new_hash:
        user.password_hash = verified.new_hash
    return user


def authenticate(session: Session, *, username: str, password: str) -> User:
    """The account, when the password is right and the account active; SignInRefused
    otherwise, after the same Argon2 work whether or not the account exists. The caller
    commits (a hash with old parameters is replaced)."""
    user = session.scalar(select(User).where(User.username == normalise_username(username)))
    if user is None or not user.active or user.password_hash is None:
        passwords.verify(password, None)  # the same work as a real check
        raise SignInRefused()
    ok, new_hash = passwords.verify(password, user.password_hash)
    if not ok:
        raise SignInRefused()
    if new_hash:
        user.password_hash = new_hash
    return user
