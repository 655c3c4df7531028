"""Celery entry points of the notify worker: parse, call one function, return."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from celery import Celery
from sqlalchemy.exc import InterfaceError, OperationalError

from services.notify import digest, handlers, sweep
from services.notify.channels.base import Channel
from services.notify.delivery import DEFAULT_LEASE
from shared import bus
from shared.casework.action_links import Issuer
from shared.db import UowFactory
from shared.domain.notice import RetryPolicy
from shared.events import Envelope
from shared.models.base import utcnow
from shared.notifications.inbox_feed import InboxPublisher
from shared.runtime import logcontext


@dataclass(frozen=True)
class Notify:
    """What the notify tasks need, built once per worker."""

    uow_factory: UowFactory
    channels: dict[str, Channel]
    base_url: str
    action_links: Issuer | None = None
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    lease: timedelta = DEFAULT_LEASE
    inbox: InboxPublisher | None = None
    digest_hour: int = 7
    clock: Callable[[], datetime] = utcnow
    limits: bus.TaskLimits = field(default_factory=bus.TaskLimits)


def register(app: Celery, *, notify: Notify) -> None:
    # The task's own retries stay seconds apart: a retry's countdown is spent holding the
    # new message, so countdown and run together stay inside the visibility timeout
    # (limits.retry_backoff_max is derived from it); slower retries wait in the row for
    # the sweep. shared=False: the tasks belong to this app alone, with its limits.
    @app.task(
        name=bus.TASK_NOTIFY,
        shared=False,
        queue=bus.QUEUE_NOTIFY,
        autoretry_for=(OperationalError, InterfaceError, handlers.DeliveryFailed),
        retry_backoff=2,
        retry_backoff_max=notify.limits.retry_backoff_max,
        retry_jitter=True,
        max_retries=notify.retry.fast_attempts,
    )
    def on_event(envelope: dict[str, Any]) -> None:
        parsed = Envelope.model_validate(envelope)
        with logcontext.consuming(parsed, consumer=handlers.CONSUMER):
            handlers.handle(
                uow_factory=notify.uow_factory,
                envelope=parsed,
                channels=notify.channels,
                base_url=notify.base_url,
                max_attempts=notify.retry.max_attempts,
                action_links=notify.action_links,
                retry=notify.retry,
                lease=notify.lease,
                inbox=notify.inbox,
                clock=notify.clock,
                budget_seconds=notify.limits.notify_periodic_budget_seconds,
            )

    # No retries: the scheduler sends the next sweep within one period, and it does the same,
    # including what this one left when its budget ran out (so do the digests).
    @app.task(name=bus.TASK_NOTIFY_SWEEP, queue=bus.QUEUE_NOTIFY, shared=False)
    def sweep_due() -> int:
        return sweep.sweep(
            uow_factory=notify.uow_factory,
            channels=notify.channels,
            base_url=notify.base_url,
            retry=notify.retry,
            lease=notify.lease,
            now=notify.clock(),
            budget_seconds=notify.limits.notify_periodic_budget_seconds,
        )

    @app.task(name=bus.TASK_NOTIFY_DIGESTS, queue=bus.QUEUE_NOTIFY, shared=False)
    def send_digests() -> int:
        return digest.send_digests(
            uow_factory=notify.uow_factory,
            channels=notify.channels,
            base_url=notify.base_url,
            retry=notify.retry,
            lease=notify.lease,
            hour=notify.digest_hour,
            now=notify.clock(),
            budget_seconds=notify.limits.notify_periodic_budget_seconds,
        )
