"""Celery entry points of the notify worker: parse, call one function, return."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from typing import Any

from celery import Celery
from sqlalchemy.exc import InterfaceError, OperationalError

from services.notify import delivery, digest, handlers, replies, sweep
from services.notify.delivery_context import DeliveryContext
from shared import bus
from shared.events import Envelope, MessageAnswered
from shared.runtime import logcontext
from shared.runtime.batches import parse_batch

# Rows per message when a task's budget sends the rest on.
DELIVER_CHUNK = 20


@dataclass(frozen=True)
class Notify(DeliveryContext):
    """What the notify tasks need, built once per worker: the delivery context the
    handlers take (its `budget_seconds` is limits.notify_periodic_budget_seconds), the hour
    of the digests and the task limits."""

    digest_hour: int = 7
    limits: bus.TaskLimits = field(default_factory=bus.TaskLimits)


def register(app: Celery, *, notify: Notify) -> None:
    def send_on(ids: list[uuid.UUID]) -> None:
        # Rows a spent budget left, due now: the next task of this queue sends them (the
        # sweep does if this message is lost). Chunks that fit a budget, most likely.
        for start in range(0, len(ids), DELIVER_CHUNK):
            chunk = [str(i) for i in ids[start : start + DELIVER_CHUNK]]
            app.send_task(bus.TASK_NOTIFY_DELIVER, args=[chunk], queue=bus.QUEUE_NOTIFY)

    notify = replace(notify, later=send_on)

    # The task's own retries stay seconds apart: a retry's countdown is spent holding the
    # new message, so countdown and run together stay inside the visibility timeout
    # (limits.retry_backoff_max is derived from it); slower retries wait in the row for
    # the sweep. shared=False: the tasks belong to this app alone, with its limits.
    retries: dict[str, Any] = {
        "shared": False,
        "queue": bus.QUEUE_NOTIFY,
        "autoretry_for": (OperationalError, InterfaceError, handlers.DeliveryFailed),
        "retry_backoff": 2,
        "retry_backoff_max": notify.limits.retry_backoff_max,
        "retry_jitter": True,
        "max_retries": notify.retry.fast_attempts,
    }

    @app.task(name=bus.TASK_NOTIFY, **retries)
    def on_event(envelope: dict[str, Any]) -> None:
        parsed = Envelope.model_validate(envelope)
        with logcontext.consuming(parsed, consumer=handlers.CONSUMER):
            handlers.handle(envelope=parsed, delivery=notify)

    # A batch from the relay: the same retries; an event that fails alone does not hold
    # back the others (handlers.handle_batch).
    @app.task(name=bus.TASK_NOTIFY_BATCH, **retries)
    def on_batch(envelopes: list[dict[str, Any]]) -> None:
        parsed = parse_batch(envelopes, consumer=handlers.CONSUMER)
        handlers.handle_batch(envelopes=parsed, delivery=notify)

    # The reply to a message a person sent (docs/messaging.md): the same fast retries.
    @app.task(
        name=bus.TASK_NOTIFY_REPLY,
        **{**retries, "autoretry_for": (*retries["autoretry_for"], replies.ReplyFailed)},
    )
    def reply(envelope: dict[str, Any]) -> None:
        parsed = Envelope.model_validate(envelope)
        event = parsed.event()
        if isinstance(event, MessageAnswered):
            with logcontext.consuming(parsed, consumer=bus.REPLIES.consumer):
                replies.send(notify, event.message_id)

    # The rows an event task's budget left. A failure waits for the sweep (the rows keep
    # their retry times); a budget spent again sends the rest on once more.
    @app.task(name=bus.TASK_NOTIFY_DELIVER, queue=bus.QUEUE_NOTIFY, shared=False)
    def deliver_rows(ids: list[str]) -> None:
        delivery.deliver(
            notify,
            notification_ids=[uuid.UUID(i) for i in ids],
            in_task=False,
            budget_seconds=notify.budget_seconds,
        )

    # No retries: the scheduler sends the next sweep within one period, and it does the same,
    # including what this one left when its budget ran out (so do the digests).
    @app.task(name=bus.TASK_NOTIFY_SWEEP, queue=bus.QUEUE_NOTIFY, shared=False)
    def sweep_due() -> int:
        now = notify.clock()
        return sweep.sweep(notify, now=now) + replies.sweep(notify, now=now)

    @app.task(name=bus.TASK_NOTIFY_DIGESTS, queue=bus.QUEUE_NOTIFY, shared=False)
    def send_digests() -> int:
        return digest.send_digests(notify, hour=notify.digest_hour, now=notify.clock())
