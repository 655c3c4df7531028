"""Start the notify worker. Delivery is I/O-bound, so it runs a thread pool."""

from __future__ import annotations

from services.notify import tasks
from services.notify.channels.registry import enabled_channels
from shared import actionlinks, bus
from shared import metrics as worker_metrics
from shared.config import Settings
from shared.db import uow_factory_for


def run(settings: Settings, *, concurrency: int = 4) -> None:
    app = bus.make_celery(settings, name="sekber-notify")
    worker_metrics.start_for_worker(host=settings.metrics_host, port=settings.metrics_port)
    tasks.register(
        app,
        uow_factory=uow_factory_for(settings.database_url),
        channels=enabled_channels(settings),
        base_url=settings.public_base_url,
        action_links=actionlinks.issuer_for(settings),
    )
    app.worker_main(
        bus.worker_argv(
            queue=bus.QUEUE_NOTIFY,
            name="notify",
            pool="threads",
            concurrency=concurrency,
            loglevel=settings.log_level,
        )
    )
