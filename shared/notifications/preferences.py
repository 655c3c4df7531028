"""Reading and writing a recipient's notification preferences (the tables in
shared/models/preferences.py); policy.py decides what they mean for a message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.domain.notice import EVENT_TYPES, INAPP, Preferences
from shared.models import NotificationPreference, NotificationSettings
from shared.models.base import utcnow

# Channels a person can be reached on; the webhook is a system feed, not a person's.
PERSONAL_CHANNELS = (INAPP, "email", "gateway", "telegram")


def load(session: Session, recipient: str) -> Preferences:
    settings = session.get(NotificationSettings, recipient)
    disabled = frozenset(
        (row.event_type, row.channel)
        for row in session.scalars(
            select(NotificationPreference).where(
                NotificationPreference.recipient == recipient,
                NotificationPreference.enabled.is_(False),
            )
        )
    )
    if settings is None:
        return Preferences(disabled=disabled)
    return Preferences(
        disabled=disabled,
        quiet_from=settings.quiet_from,
        quiet_to=settings.quiet_to,
        digest_low_urgency=settings.digest_low_urgency,
    )


@dataclass(frozen=True, slots=True)
class Switch:
    event_type: str
    channel: str
    enabled: bool


def save(
    session: Session,
    *,
    recipient: str,
    switches: list[Switch],
    quiet_from: time | None,
    quiet_to: time | None,
    digest_low_urgency: bool,
) -> Preferences:
    """Store the switches given (others keep their value) and the recipient's settings.
    The caller has checked the event types and channels; in-app cannot be switched off."""
    now = utcnow()
    for switch in switches:
        if switch.event_type not in EVENT_TYPES or switch.channel not in PERSONAL_CHANNELS:
            raise ValueError(f"unknown event type or channel: {switch}")
        if switch.channel == INAPP and not switch.enabled:
            raise ValueError("the in-app inbox is the record and stays on")
        row = session.get(
            NotificationPreference, (recipient, switch.event_type, switch.channel)
        ) or NotificationPreference(
            recipient=recipient, event_type=switch.event_type, channel=switch.channel
        )
        row.enabled, row.updated_at = switch.enabled, now
        session.add(row)
    settings = session.get(NotificationSettings, recipient) or NotificationSettings(
        recipient=recipient
    )
    settings.quiet_from, settings.quiet_to = quiet_from, quiet_to
    settings.digest_low_urgency, settings.updated_at = digest_low_urgency, now
    session.add(settings)
    session.flush()
    return load(session, recipient)
