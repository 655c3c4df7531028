"""Start the import worker: one process, one batch at a time (each row is a short
transaction of its own; the routing worker does the rest)."""

from __future__ import annotations

from datetime import timedelta

from services.intake.imports import tasks
from shared import bus
from shared.config import Settings
from shared.db import uow_factory_for
from shared.runtime import worker_service


def run(settings: Settings, *, concurrency: int = 1) -> int:
    app = bus.make_celery(settings, name="sekber-imports")
    tasks.register(
        app,
        imports=tasks.Imports(
            uow_factory=uow_factory_for(settings.database_url),
            threshold=settings.duplicate_name_threshold,
            stale_after=timedelta(seconds=settings.import_stale_seconds),
            limits=bus.task_limits(settings),
        ),
    )
    return worker_service.run(
        app,
        settings,
        service="imports",
        queue=bus.QUEUE_IMPORTS,
        pool="threads",
        concurrency=concurrency,
    )
