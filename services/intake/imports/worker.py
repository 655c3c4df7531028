"""Start the import worker: one process, one batch at a time (each row is a short
transaction of its own; the routing worker does the rest). It also reads the messages
people send through the messaging gateway (services/intake/messaging)."""

from __future__ import annotations

from datetime import timedelta

from services.intake.imports import tasks
from services.intake.messaging import handle as messages
from services.intake.messaging.throttle import SenderThrottle
from shared import bus
from shared.config import Settings
from shared.db import uow_factory_for
from shared.reference import calendar
from shared.runtime import worker_service


def run(settings: Settings, *, concurrency: int = 1) -> int:
    app = bus.make_celery(settings, name="sekber-imports")
    uow_factory = uow_factory_for(settings.database_url)
    messaging = messages.Messaging(
        uow_factory=uow_factory,
        policy=calendar.working_policy(uow_factory, settings.deadlines_file),
        throttle=SenderThrottle(
            settings.redis_url,
            key_prefix=settings.broker_key_prefix,
            limits=settings.gateway_sender_limits,
        ),
        duplicate_threshold=settings.duplicate_name_threshold,
    )
    tasks.register(
        app,
        inbound=messaging,
        imports=tasks.Imports(
            uow_factory=uow_factory,
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
