"""API keys for systems that integrate (a village information system, a CSR portal).

A key reads `sekber_<prefix>_<secret>`: the prefix finds the row, the SHA-256 of the whole
key is compared in constant time. The key itself is shown once, when issued. A key acts as
the account it belongs to, with that account's role and jurisdiction.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.models import ApiKey, User

PREFIX = "sekber_"


class KeyNotFound(LookupError):
    pass


@dataclass(frozen=True, slots=True)
class IssuedKey:
    id: uuid.UUID
    key: str
    prefix: str


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def looks_like_key(value: str) -> bool:
    return value.startswith(PREFIX)


def issue(
    session: Session, *, user: User, name: str, now: datetime, expires_at: datetime | None = None
) -> IssuedKey:
    prefix = secrets.token_hex(6)
    key = f"{PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiKey(
        user_id=user.id,
        name=name,
        prefix=prefix,
        secret_hash=_digest(key),
        created_at=now,
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    return IssuedKey(id=row.id, key=key, prefix=prefix)


def revoke(session: Session, *, prefix: str, now: datetime) -> ApiKey:
    row = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if row is None:
        raise KeyNotFound(f"no API key {prefix}")
    if row.revoked_at is None:
        row.revoked_at = now
    return row


def resolve(session: Session, key: str, *, now: datetime) -> User | None:
    """The active account a valid, unrevoked, unexpired key belongs to, or None."""
    _, _, rest = key.partition(PREFIX)
    prefix, sep, _secret = rest.partition("_")
    if not sep or not prefix:
        return None
    row = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if row is None or not hmac.compare_digest(row.secret_hash, _digest(key)):
        return None
    if row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= now):
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    return user


def list_keys(session: Session, *, username: str | None = None) -> list[tuple[ApiKey, User]]:
    query = select(ApiKey, User).join(User, User.id == ApiKey.user_id).order_by(ApiKey.created_at)
    if username:
        query = query.where(User.username == username.lower())
    return [(k, u) for k, u in session.execute(query).all()]


def mark_used(session: Session, key: str, *, now: datetime, resolution: timedelta) -> None:
    """Remember when a key was last used, to the resolution given."""
    prefix = key.removeprefix(PREFIX).partition("_")[0]
    row = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if row is not None and (row.last_used_at is None or now - row.last_used_at >= resolution):
        row.last_used_at = now
