"""Celery entry points for inbound messages, run by the import worker (queue
sekber.imports): parse, call one function, return."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from celery import Celery
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from services.intake.messaging import handle as handling
from services.intake.messaging.throttle import ThrottleUnavailable
from shared import bus
from shared.events import Envelope, MessageReceived
from shared.models import InboundMessage
from shared.runtime import logcontext

CONSUMER = bus.MESSAGES.consumer
# A message still unread this long after it came was lost on the way (a broker that lost
# its data): the imports sweep reads it.
STALE_AFTER = timedelta(minutes=2)
SWEEP_BATCH = 50
# A message whose handling still fails this long after it came is ended as failed.
GIVE_UP_AFTER = timedelta(minutes=30)
log = logging.getLogger(__name__)


def register(app: Celery, *, messaging: handling.Messaging, retrying: dict[str, Any]) -> None:
    """The import worker's task for MessageReceived, with the worker's retries (`retrying`,
    services/intake/imports/tasks.py), and while Redis does not count senders."""
    retrying = {
        **retrying,
        "autoretry_for": (*retrying["autoretry_for"], ThrottleUnavailable),
    }

    @app.task(name=bus.TASK_MESSAGES, shared=False, queue=bus.QUEUE_IMPORTS, **retrying)
    def on_message(envelope: dict[str, Any]) -> None:
        parsed = Envelope.model_validate(envelope)
        event = parsed.event()
        if not isinstance(event, MessageReceived):
            return
        with logcontext.consuming(parsed, consumer=CONSUMER):
            handling.handle(messaging, event.message_id)


def sweep(messaging: handling.Messaging) -> int:
    """Read the messages whose event never arrived, or whose handling failed; return how
    many. One that fails again does not hold back those after it; one that has failed
    for GIVE_UP_AFTER is ended as failed (handle.give_up)."""
    now = messaging.clock()
    with messaging.uow_factory() as uow:
        rows = uow.session.execute(
            select(InboundMessage.id, InboundMessage.received_at)
            .where(
                InboundMessage.state == "received",
                InboundMessage.received_at < now - STALE_AFTER,
            )
            .order_by(InboundMessage.received_at)
            .limit(SWEEP_BATCH)
        ).all()
    for message_id, received_at in rows:
        try:
            handling.handle(messaging, message_id)
        except DBAPIError:
            raise  # the database is down: every message would fail, stop until it returns
        except Exception:
            log.exception("inbound message %s failed again in the sweep", message_id)
            if received_at < now - GIVE_UP_AFTER:
                handling.give_up(messaging, message_id)
    return len(rows)
