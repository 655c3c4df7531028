"""Signed one-time action links: a coordinator accepts or declines a task from a message
without logging in.

A token is the URL-safe base64 of a compact binary payload (referral, coordinator,
action, the task's version, expiry) and an HMAC-SHA256 of it under the deployment's
secret key, truncated to 128 bits. Nothing in it is secret, but nothing in it can be
changed: the signature is checked before any field is trusted. A link is spent once
(action_link_uses), in the same transaction as the action it performs.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import struct
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared.config import Settings
from shared.models.actionlink import ActionLinkUse

ACTIONS = ("accept", "reject")
_FORMAT = 1
# format, referral, coordinator, action index, task version, expiry (Unix seconds)
_PAYLOAD = struct.Struct(">B16s16sBIQ")
_MAC_BYTES = 16
# Domain separation: the same secret key signs other things.
_CONTEXT = b"sekber/action-link/v1\x00"


class LinkError(Exception):
    """The link cannot be used."""


class ForgedLink(LinkError):
    """Not a link Sekber issued, or one that was altered."""


class ExpiredLink(LinkError):
    """A genuine link past its expiry."""


class SpentLink(LinkError):
    """A genuine link that was already used."""


@dataclass(frozen=True, slots=True)
class ActionLink:
    referral_id: uuid.UUID
    coordinator_id: uuid.UUID
    action: str
    version: int
    expires_at: datetime


def issue(
    secret: str,
    *,
    referral_id: uuid.UUID,
    coordinator_id: uuid.UUID,
    action: str,
    version: int,
    expires_at: datetime,
) -> str:
    if action not in ACTIONS:
        raise ValueError(f"an action link can only {' or '.join(ACTIONS)}")
    payload = _PAYLOAD.pack(
        _FORMAT,
        referral_id.bytes,
        coordinator_id.bytes,
        ACTIONS.index(action),
        version,
        int(expires_at.timestamp()),
    )
    return base64.urlsafe_b64encode(payload + _mac(secret, payload)).rstrip(b"=").decode("ascii")


def verify(secret: str, token: str, *, now: datetime) -> ActionLink:
    """The link's content if Sekber signed it and it has not expired; not whether it is
    spent (redeem checks that)."""
    raw = _decode(token)
    payload, mac = raw[: _PAYLOAD.size], raw[_PAYLOAD.size :]
    if len(raw) != _PAYLOAD.size + _MAC_BYTES or not hmac.compare_digest(
        mac, _mac(secret, payload)
    ):
        raise ForgedLink("this link is not valid")
    fmt, referral, coordinator, action, version, expires = _PAYLOAD.unpack(payload)
    if fmt != _FORMAT or action >= len(ACTIONS):
        raise ForgedLink("this link is not valid")
    link = ActionLink(
        referral_id=uuid.UUID(bytes=referral),
        coordinator_id=uuid.UUID(bytes=coordinator),
        action=ACTIONS[action],
        version=version,
        expires_at=datetime.fromtimestamp(expires, UTC),
    )
    if now >= link.expires_at:
        raise ExpiredLink("this link has expired")
    return link


def is_spent(session: Session, token: str) -> bool:
    return session.get(ActionLinkUse, token_hash(token)) is not None


def redeem(session: Session, secret: str, token: str, *, now: datetime) -> ActionLink:
    """Verify the link and spend it in the caller's transaction: the caller performs the
    action and commits both, or neither."""
    link = verify(secret, token, now=now)
    if is_spent(session, token):
        raise SpentLink("this link was already used")
    session.add(ActionLinkUse(token_hash=token_hash(token), used_at=now))
    try:
        session.flush()
    except IntegrityError:  # spent by a concurrent request between the check and the insert
        raise SpentLink("this link was already used") from None
    return link


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


@dataclass(frozen=True, slots=True)
class Issuer:
    """What a message needs to carry action links: the secret and how long they last."""

    secret: str
    lifetime: timedelta

    def url(
        self,
        base_url: str,
        *,
        referral_id: uuid.UUID,
        coordinator_id: uuid.UUID,
        action: str,
        version: int,
        now: datetime,
    ) -> str:
        token = issue(
            self.secret,
            referral_id=referral_id,
            coordinator_id=coordinator_id,
            action=action,
            version=version,
            expires_at=now + self.lifetime,
        )
        return f"{base_url.rstrip('/')}/aksi/{token}"


def issuer_for(settings: Settings) -> Issuer:
    return Issuer(settings.secret_key, timedelta(hours=settings.action_link_hours))


def _mac(secret: str, payload: bytes) -> bytes:
    key = secret.encode("utf-8")
    return hmac.new(key, _CONTEXT + payload, hashlib.sha256).digest()[:_MAC_BYTES]


def _decode(token: str) -> bytes:
    if len(token) > 200 or not token.isascii():
        raise ForgedLink("this link is not valid")
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        raise ForgedLink("this link is not valid") from None
    # Only the canonical spelling: another spelling of the same bytes would be a second,
    # unspent token.
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii") != token:
        raise ForgedLink("this link is not valid")
    return raw
