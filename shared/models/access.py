"""Who may use Sekber: user accounts, API keys for systems, and the audit trail of what
they read and changed (UU 27/2022 asks for both least privilege and a record)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from shared.models.base import Base, UTCDateTime, new_id, utcnow

# SQLite only auto-increments an INTEGER PRIMARY KEY.
AUDIT_ID = BigInteger().with_variant(Integer, "sqlite")


class User(Base):
    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    role: Mapped[str] = mapped_column(String(16))
    # A region code: the user sees that region and below; "" is the whole country.
    jurisdiction: Mapped[str] = mapped_column(String(13), default="")
    # A coordinator acts as this directory entry, and also for the unit it belongs to.
    coordinator_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("coordinators.id"))
    unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("coordinators.id"))
    # None: no password login (an account for API keys only).
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # A case worker's registered mobile number (+62..., shared/domain/phone.py): reports
    # sent by SMS from it are theirs (docs/messaging.md). One account a number.
    phone: Mapped[str | None] = mapped_column(String(16), index=True, unique=True)
    # Unused since sign-in throttling moved to Redis (0004); kept, since dropping a column
    # rebuilds the table on SQLite.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Carried by every token issued; bumped (shared/accounts/sessions.py) when the account
    # is disabled, its password changes or all its sessions are ended: older tokens stop.
    token_version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class RevokedSession(Base):
    """A session signed out before its token expired; kept until then."""

    __tablename__ = "revoked_sessions"

    session_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(80))
    revoked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class ApiKey(Base):
    """A key a system presents instead of a password; only its SHA-256 is kept."""

    __tablename__ = "api_keys"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    # The public part of the key, to find it without scanning.
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditEntry(Base):
    """One read or write of personal data, or one security event (login, key issued)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(AUDIT_ID, primary_key=True, autoincrement=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(160), index=True)
    role: Mapped[str] = mapped_column(String(16))
    # read, create, update, export, login, login_failed, locked, key_issued, key_revoked...
    action: Mapped[str] = mapped_column(String(24))
    object_type: Mapped[str] = mapped_column(String(24))
    object_id: Mapped[str] = mapped_column(String(64), index=True)
    # Why it was allowed: the actor's relation to the record (reporter, assignee, unit,
    # jurisdiction 35.08, national) or the legal ground of an export.
    basis: Mapped[str] = mapped_column(String(80))
    route: Mapped[str] = mapped_column(String(160), default="")
    status: Mapped[int] = mapped_column(Integer, default=0)
    correlation_id: Mapped[str] = mapped_column(String(64), default="")
    client: Mapped[str] = mapped_column(String(64), default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
