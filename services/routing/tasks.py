"""Celery entry point of the routing worker: parse the envelope, call the handler."""

from __future__ import annotations

from typing import Any

from celery import Celery
from sqlalchemy.exc import InterfaceError, OperationalError

from services.routing import handlers
from shared import bus
from shared.db import UowFactory
from shared.events import Envelope


def register(app: Celery, *, uow_factory: UowFactory, routing: handlers.Routing) -> None:
    @app.task(
        name=bus.TASK_ROUTING,
        queue=bus.QUEUE_ROUTING,
        autoretry_for=(OperationalError, InterfaceError),
        retry_backoff=1,
        retry_backoff_max=20,
        retry_jitter=True,
        max_retries=8,
    )
    def on_event(envelope: dict[str, Any]) -> None:
        handlers.handle(
            uow_factory=uow_factory, envelope=Envelope.model_validate(envelope), routing=routing
        )
