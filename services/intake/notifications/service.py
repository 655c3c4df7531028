"""The notifications feature's use cases: a coordinator's preferences, read and saved, and
the dead letters listed and sent again. One unit of work per call, committed once."""

from __future__ import annotations

import uuid
from datetime import time
from typing import get_args

from sqlalchemy.orm import Session

from services.intake.access import scope
from services.intake.notifications.preference_schemas import (
    ChannelName,
    EventType,
    NotificationPreferencesRead,
    PreferenceSwitch,
)
from services.intake.notifications.schemas import NotificationRead
from shared.db import UowFactory
from shared.domain.actor import Actor
from shared.domain.notice import Preferences
from shared.notifications import dead_letters, preferences


def read_preferences(session: Session, *, recipient: str) -> NotificationPreferencesRead:
    """The coordinator's preferences: everything is on until switched off."""
    return _read(preferences.load(session, recipient))


def save_preferences(
    *,
    uow_factory: UowFactory,
    recipient: str,
    switches: list[PreferenceSwitch],
    quiet_from: time | None,
    quiet_to: time | None,
    digest_low_urgency: bool,
) -> NotificationPreferencesRead:
    """Store the switches given (the others keep their value), quiet hours and the digest."""
    with uow_factory() as uow:
        saved = preferences.save(
            uow.session,
            recipient=recipient,
            switches=[preferences.Switch(s.event_type, s.channel, s.enabled) for s in switches],
            quiet_from=quiet_from,
            quiet_to=quiet_to,
            digest_low_urgency=digest_low_urgency,
        )
        uow.commit()
    return _read(saved)


def dead_notifications(session: Session, *, limit: int) -> list[NotificationRead]:
    """Notifications that ran out of attempts or were refused for good, newest first."""
    return [NotificationRead.model_validate(n) for n in dead_letters.dead(session, limit=limit)]


def replay(
    *,
    uow_factory: UowFactory,
    notification_id: uuid.UUID,
    actor: Actor,
    correlation_id: str,
) -> NotificationRead:
    """Send a dead or failed notification again (dead_letters.NotificationNotFound outside
    the actor's jurisdiction, dead_letters.NotReplayable when it is neither)."""
    with uow_factory() as uow:
        # Only a notification of a case in the actor's jurisdiction is found.
        scope.bind(uow.session, actor)
        note = dead_letters.replay(
            uow.session,
            notification_id=notification_id,
            actor=actor,
            correlation_id=correlation_id,
        )
        read = NotificationRead.model_validate(note)
        uow.commit()
    return read


def _read(prefs: Preferences) -> NotificationPreferencesRead:
    return NotificationPreferencesRead(
        preferences=[
            PreferenceSwitch(
                event_type=event_type, channel=channel, enabled=prefs.enabled(event_type, channel)
            )
            for event_type in get_args(EventType)
            for channel in get_args(ChannelName)
        ],
        quiet_from=prefs.quiet_from,
        quiet_to=prefs.quiet_to,
        digest_low_urgency=prefs.digest_low_urgency,
    )
