"""Run one of Sekber's Celery workers with what each of them has beside its tasks: the
liveness heartbeat, the watch on its consuming, and an exit code that says how it stopped."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shared import bus
from shared.config import Settings
from shared.runtime import consumer_watch, heartbeat

if TYPE_CHECKING:
    from celery import Celery


def run(
    app: Celery, settings: Settings, *, service: str, queue: str, pool: str, concurrency: int
) -> int:
    """Serve `queue` as `service` until the worker stops; return its exit code."""
    heartbeat.install_in_worker(app, settings, service=service)
    consumer_watch.install(app, settings, queue=queue)
    return bus.run_worker(
        app,
        queue=queue,
        name=service,
        pool=pool,
        concurrency=concurrency,
        loglevel=settings.log_level,
    )
