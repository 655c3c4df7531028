"""Notifications that could not be delivered, and sending one of them again.

A replay changes nothing but the row's state and writes NotificationReplayRequested to
the outbox in the caller's transaction; the notify worker then delivers that one row, with
the same id, so a receiver that dedupes on it still sees one message.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.domain.actor import Actor
from shared.domain.notice import NotificationState
from shared.events import NotificationReplayRequested
from shared.models import Notification
from shared.models.timeline import add_case_event
from shared.outbox.store import add_event

REPLAYABLE = (NotificationState.DEAD, NotificationState.FAILED)


class NotificationNotFound(LookupError):
    pass


class NotReplayable(Exception):
    """Only a dead or failed notification can be sent again."""


def dead(session: Session, *, limit: int = 100) -> Sequence[Notification]:
    """Dead notifications, newest first."""
    return session.scalars(
        select(Notification)
        .where(Notification.state == NotificationState.DEAD)
        .order_by(Notification.created_at.desc(), Notification.id)
        .limit(limit)
    ).all()


def replay(
    session: Session, *, notification_id: uuid.UUID, actor: Actor, correlation_id: str
) -> Notification:
    note = session.get(Notification, notification_id, with_for_update=True)
    if note is None:
        raise NotificationNotFound(f"no notification {notification_id}")
    if note.state not in REPLAYABLE:
        raise NotReplayable(f"notification {notification_id} is {note.state}, not dead or failed")
    note.state, note.attempts, note.lease_until = NotificationState.PENDING, 0, None
    add_case_event(
        session,
        case_id=note.case_id,
        kind="notification_replay_requested",
        actor=actor.label,
        data={"channel": note.channel, "notification_id": str(note.id), "kind": note.kind},
    )
    add_event(
        session,
        NotificationReplayRequested(notification_id=note.id, case_id=note.case_id),
        correlation_id=correlation_id,
    )
    session.flush()
    return note
