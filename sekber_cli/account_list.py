"""What `sekber users list` and `sekber keys list` print: one line per account or key.

The last sign-in is read from the audit trail (its "login" events); the account table
keeps no such column. Throttled sign-ins live in Redis for minutes and lock no account,
so an account is either active or disabled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from shared.models import ApiKey, User

NO_USERS = "Belum ada akun / No accounts"
NO_KEYS = "Belum ada kunci API / No API keys"


@dataclass(frozen=True, slots=True)
class AccountRow:
    username: str
    role: str
    jurisdiction: str
    last_sign_in: datetime | None
    active: bool


def accounts(session: Session, *, role: str | None = None) -> list[AccountRow]:
    """Every account (of `role`, if given) by username, with its last sign-in."""
    from sqlalchemy import func, select

    from shared.models import AuditEntry, User

    last = (
        select(AuditEntry.object_id, func.max(AuditEntry.occurred_at).label("at"))
        .where(AuditEntry.action == "login", AuditEntry.object_type == "account")
        .group_by(AuditEntry.object_id)
        .subquery()
    )
    # The audit trail keeps the first 64 characters of a username.
    query = (
        select(User, last.c.at)
        .outerjoin(last, last.c.object_id == func.substr(User.username, 1, 64))
        .order_by(User.username)
    )
    if role:
        query = query.where(User.role == role)
    return [
        AccountRow(user.username, user.role, user.jurisdiction, at, user.active)
        for user, at in session.execute(query).all()
    ]


def account_lines(rows: list[AccountRow]) -> list[str]:
    if not rows:
        return [NO_USERS]
    return _table(
        ("USERNAME", "ROLE", "JURISDICTION", "LAST SIGN-IN (UTC)", "STATE"),
        [
            (
                r.username,
                r.role,
                r.jurisdiction or "national",
                _when(r.last_sign_in),
                "active" if r.active else "disabled",
            )
            for r in rows
        ],
    )


def key_lines(keys: list[tuple[ApiKey, User]], *, now: datetime) -> list[str]:
    if not keys:
        return [NO_KEYS]
    return _table(
        ("PREFIX", "ACCOUNT", "STATE", "EXPIRES", "NAME"),
        [
            (
                key.prefix,
                user.username,
                _key_state(key, user, now),
                key.expires_at.strftime("%Y-%m-%d") if key.expires_at else "never",
                key.name,
            )
            for key, user in keys
        ],
    )


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    """Columns two spaces apart, each as wide as its widest cell (the last one unpadded)."""
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in (header, *rows)
    ]


def _key_state(key: ApiKey, user: User, now: datetime) -> str:
    if key.revoked_at is not None:
        return "revoked"
    if key.expires_at is not None and key.expires_at <= now:
        return "expired"
    if not user.active:
        return "disabled"  # the account is: its keys open nothing
    return "active"


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "never"
