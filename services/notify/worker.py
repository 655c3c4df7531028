"""Start the notify worker. Delivery is I/O-bound, so it runs a thread pool."""

from __future__ import annotations

from datetime import timedelta

from services.notify import tasks
from services.notify.channels.registry import enabled_channels
from shared import bus
from shared.casework import action_links as actionlinks
from shared.config import Settings
from shared.db import uow_factory_for
from shared.domain.notice import RetryPolicy
from shared.notifications.inbox_feed import InboxPublisher
from shared.runtime import metrics as worker_metrics
from shared.runtime import worker_service


def build(settings: Settings) -> tasks.Notify:
    limits = bus.task_limits(settings)
    return tasks.Notify(
        uow_factory=uow_factory_for(settings.database_url),
        channels=enabled_channels(settings),
        base_url=settings.public_base_url,
        action_links=actionlinks.issuer_for(settings),
        retry=RetryPolicy(
            fast_attempts=settings.notify_fast_attempts,
            schedule=tuple(settings.notify_retry_schedule_seconds),
        ),
        lease=timedelta(seconds=settings.notify_lease_seconds),
        inbox=InboxPublisher(redis_url=settings.redis_url, prefix=settings.broker_key_prefix),
        budget_seconds=limits.notify_periodic_budget_seconds,
        digest_hour=settings.digest_hour_wib,
        limits=limits,
    )


def run(settings: Settings, *, concurrency: int = 4) -> int:
    app = bus.make_celery(settings, name="sekber-notify")
    worker_metrics.start_for_worker(host=settings.metrics_host, port=settings.metrics_port)
    tasks.register(app, notify=build(settings))
    return worker_service.run(
        app,
        settings,
        service="notify",
        queue=bus.QUEUE_NOTIFY,
        pool="threads",
        concurrency=concurrency,
    )
