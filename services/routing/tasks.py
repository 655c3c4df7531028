"""Celery entry points of the routing worker: parse, call one function, return."""

from __future__ import annotations

from typing import Any

from celery import Celery
from sqlalchemy.exc import InterfaceError, OperationalError

from services.routing import handlers
from shared import bus
from shared.casework.deadline_scan import scan_deadlines
from shared.db import UowFactory
from shared.events import Envelope
from shared.runtime import logcontext
from shared.runtime.batches import parse_batch


def register(
    app: Celery,
    *,
    uow_factory: UowFactory,
    routing: handlers.Routing,
    limits: bus.TaskLimits,
) -> None:
    # A retry's countdown is spent holding the new message, so countdown and run together
    # stay inside the visibility timeout (limits.retry_backoff_max is derived from it).
    # shared=False: the tasks belong to this app alone, with its limits (Celery would
    # otherwise add the first app's tasks to every app made later in the process).
    retries: dict[str, Any] = {
        "shared": False,
        "queue": bus.QUEUE_ROUTING,
        "autoretry_for": (OperationalError, InterfaceError),
        "retry_backoff": 1,
        "retry_backoff_max": limits.retry_backoff_max,
        "retry_jitter": True,
        "max_retries": 8,
    }

    @app.task(name=bus.TASK_ROUTING, **retries)
    def on_event(envelope: dict[str, Any]) -> None:
        parsed = Envelope.model_validate(envelope)
        with logcontext.consuming(parsed, consumer=handlers.CONSUMER):
            handlers.handle(uow_factory=uow_factory, envelope=parsed, routing=routing)

    # A batch from the relay: the same retries; an event that fails alone does not hold
    # back the others (handlers.handle_batch).
    @app.task(name=bus.TASK_ROUTING_BATCH, **retries)
    def on_batch(envelopes: list[dict[str, Any]]) -> None:
        parsed = parse_batch(envelopes, consumer=handlers.CONSUMER)
        handlers.handle_batch(uow_factory=uow_factory, envelopes=parsed, routing=routing)

    # No retries: the scheduler sends the next scan within one period, and it does the same,
    # including what this one left when its budget ran out.
    @app.task(name=bus.TASK_SCAN_DEADLINES, queue=bus.QUEUE_ROUTING, shared=False)
    def scan() -> None:
        report = scan_deadlines(
            uow_factory=uow_factory,
            policy=routing.deadlines,
            now=routing.now(),
            budget_seconds=limits.deadline_scan_budget_seconds,
        )
        if routing.metrics is not None:
            routing.metrics.deadline_scan(report)
