"""Start the routing worker (prefork, late acks, one message per process)."""

from __future__ import annotations

from services.routing import handlers, tasks
from shared import bus
from shared.config import Settings
from shared.db import uow_factory_for
from shared.reference import calendar
from shared.routing.directory import SnapshotCache
from shared.runtime import metrics as worker_metrics
from shared.runtime import worker_service


def run(settings: Settings, *, concurrency: int = 2) -> int:
    app = bus.make_celery(settings, name="sekber-routing")
    # Routing's prefork children count in multiprocess mode (set up by the caller) and
    # this parent serves the sum; notify runs threads in one process.
    metrics = worker_metrics.start_for_worker(
        host=settings.metrics_host, port=settings.metrics_port
    )
    uow_factory = uow_factory_for(settings.database_url)
    tasks.register(
        app,
        uow_factory=uow_factory,
        routing=handlers.Routing(
            directory=SnapshotCache(check_every=settings.directory_check_seconds),
            deadlines=calendar.working_policy(uow_factory, settings.deadlines_file),
            broadcast_size=settings.broadcast_size,
            metrics=metrics,
        ),
        limits=bus.task_limits(settings),
    )
    return worker_service.run(
        app,
        settings,
        service="routing",
        queue=bus.QUEUE_ROUTING,
        pool="prefork",
        concurrency=concurrency,
    )
