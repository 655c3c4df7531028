"""Celery entry point of the notify worker: parse the envelope, call the handler."""

from __future__ import annotations

from typing import Any

from celery import Celery
from sqlalchemy.exc import InterfaceError, OperationalError

from services.notify import handlers
from services.notify.channels.base import Channel
from shared import bus, logcontext
from shared.actionlinks import Issuer
from shared.db import UowFactory
from shared.events import Envelope

MAX_ATTEMPTS = 6


def register(
    app: Celery,
    *,
    uow_factory: UowFactory,
    channels: dict[str, Channel],
    base_url: str,
    action_links: Issuer | None = None,
) -> None:
    # Backoff stays far below the visibility timeout: a longer countdown would be redelivered.
    @app.task(
        name=bus.TASK_NOTIFY,
        queue=bus.QUEUE_NOTIFY,
        autoretry_for=(OperationalError, InterfaceError, handlers.DeliveryFailed),
        retry_backoff=2,
        retry_backoff_max=30,
        retry_jitter=True,
        max_retries=MAX_ATTEMPTS,
    )
    def on_event(envelope: dict[str, Any]) -> None:
        parsed = Envelope.model_validate(envelope)
        with logcontext.consuming(parsed, consumer=handlers.CONSUMER):
            handlers.handle(
                uow_factory=uow_factory,
                envelope=parsed,
                channels=channels,
                base_url=base_url,
                max_attempts=MAX_ATTEMPTS,
                action_links=action_links,
            )
