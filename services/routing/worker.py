"""Start the routing worker (prefork, late acks, one message per process)."""

from __future__ import annotations

from services.routing import handlers, tasks
from shared import bus
from shared.config import Settings
from shared.db import uow_factory_for


def run(settings: Settings, *, concurrency: int = 2) -> None:
    app = bus.make_celery(settings, name="sekber-routing")
    tasks.register(
        app, uow_factory=uow_factory_for(settings.database_url), routing=handlers.Routing()
    )
    app.worker_main(
        [
            "worker",
            "--queues",
            bus.QUEUE_ROUTING,
            "--hostname",
            "routing@%h",
            "--pool",
            "prefork",
            "--concurrency",
            str(concurrency),
            "--loglevel",
            settings.log_level,
            "--without-gossip",
            "--without-mingle",
        ]
    )
