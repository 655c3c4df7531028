"""The write side of the transactional outbox: events staged with the data, in the same
transaction, and each consumer's claim on an event (processed_events), written with its
effect, so the relay may publish an event more than once without harm.
"""

from __future__ import annotations

import logging
import uuid

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from shared.events import Envelope, Event
from shared.models import OutboxEvent, ProcessedEvent
from shared.models.base import utcnow

log = logging.getLogger(__name__)

# PostgreSQL channel on which every transaction that stages an event wakes the relay: a
# statement trigger on outbox notifies it (migration 0011), delivered at commit.
WAKE_CHANNEL = "sekber_outbox"
# While the relay listens on WAKE_CHANNEL, it still polls this often: the fallback for a
# wake-up it missed (its listening connection was down when the event committed).
LISTENING_POLL_SECONDS = 1.0


def add_event(session: Session, event: Event, *, correlation_id: str) -> Envelope:
    """Stage an event in the caller's transaction; it is published only if that commits."""
    envelope = Envelope.wrap(event, correlation_id=correlation_id)
    case_id = getattr(event, "case_id", None)
    session.add(
        OutboxEvent(
            event_id=envelope.id,
            event_type=envelope.type,
            case_id=case_id,
            envelope=envelope.model_dump(mode="json"),
        )
    )
    return envelope


def claim(session: Session, *, consumer: str, event_id: uuid.UUID) -> bool:
    """Record that `consumer` handles `event_id` in this transaction.

    Returns False when it was handled before: the caller must then do nothing.
    """
    return event_id in claim_many(session, consumer=consumer, event_ids=[event_id])


def claim_many(session: Session, *, consumer: str, event_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Record in one statement that `consumer` handles these events in this transaction;
    return those not handled before (the caller handles only them)."""
    if not event_ids:
        return set()
    now = utcnow()
    rows = [
        {"consumer": consumer, "event_id": event_id, "processed_at": now}
        for event_id in dict.fromkeys(event_ids)
    ]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(ProcessedEvent)
        .values(rows)
        .on_conflict_do_nothing()
        .returning(ProcessedEvent.event_id)
    )
    # RETURNING, not rowcount: through the ORM, rowcount of this insert is not reliable.
    return set(session.scalars(stmt))
