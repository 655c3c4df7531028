"""Keeping an inbound message: the row and its MessageReceived event in one commit, once
per gateway id. The worker does the rest (handle.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.intake.messaging.schemas import InboundMessageIn
from shared.db import UowFactory
from shared.events import MessageReceived
from shared.models import InboundMessage
from shared.outbox.store import add_event


@dataclass(frozen=True, slots=True)
class Received:
    gateway_id: str
    replayed: bool


def receive(
    *,
    uow_factory: UowFactory,
    message: InboundMessageIn,
    sender: str,
    correlation_id: str,
    now: datetime,
) -> Received:
    """Keep the message and stage its event; a gateway id seen before changes nothing."""
    for _ in range(2):
        with uow_factory() as uow:
            session = uow.session
            seen = session.scalar(
                select(InboundMessage.id).where(InboundMessage.gateway_id == message.id)
            )
            if seen is not None:
                return Received(message.id, replayed=True)
            row = InboundMessage(
                gateway_id=message.id,
                channel=message.channel,
                sender=sender,
                address=message.sender,
                text=message.text,
                in_reply_to=message.in_reply_to,
                received_at=now,
                correlation_id=correlation_id,
                state="received",
                reply_attempts=0,
            )
            session.add(row)
            try:
                session.flush()
            except IntegrityError:  # the same id, delivered twice at once: look again
                continue
            add_event(session, MessageReceived(message_id=row.id), correlation_id=correlation_id)
            uow.commit()
            return Received(message.id, replayed=False)
    return Received(message.id, replayed=True)
