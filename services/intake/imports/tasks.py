"""Celery entry points of the import worker: parse, call one function, send the next batch."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from celery import Celery
from celery.exceptions import SoftTimeLimitExceeded
from sqlalchemy import update
from sqlalchemy.exc import InterfaceError, OperationalError

from services.intake.imports import work
from services.intake.messaging import handle as message_handling
from services.intake.messaging import tasks as message_tasks
from shared import bus
from shared.db import UowFactory
from shared.events import Envelope, ImportReceived
from shared.models import Import
from shared.models.base import utcnow
from shared.runtime import logcontext

CONSUMER = "imports"
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Imports:
    uow_factory: UowFactory
    threshold: float
    stale_after: timedelta
    limits: bus.TaskLimits


def register(
    app: Celery, *, imports: Imports, inbound: message_handling.Messaging | None = None
) -> None:
    """The first batch comes from ImportReceived; each batch that leaves rows pending sends
    the next one before its message is acknowledged (a worker killed in between: the
    message comes back, and the rows already done are not done again). The sweep sends a
    batch for an import whose work stopped."""

    def next_batch(import_id: uuid.UUID) -> None:
        try:
            batch = work.work(
                imports.uow_factory,
                import_id,
                budget_seconds=imports.limits.import_batch_budget_seconds,
                threshold=imports.threshold,
            )
        except (OperationalError, InterfaceError):
            raise  # retried: the database comes back
        except SoftTimeLimitExceeded:
            send_batch(app, import_id)  # the batch's rows are done or pending: go on
            return
        except Exception as exc:
            # A fault that would come back on every try: the import stops, saying so,
            # instead of the sweep sending it again for ever.
            log.exception("import %s stopped", import_id)
            work.give_up(imports.uow_factory, import_id, problem=type(exc).__name__)
            return
        if batch.left:
            send_batch(app, import_id)

    retrying: dict[str, Any] = {
        "autoretry_for": (OperationalError, InterfaceError),
        "retry_backoff": 1,
        "retry_backoff_max": imports.limits.retry_backoff_max,
        "retry_jitter": True,
        "max_retries": 8,
    }

    if inbound is not None:  # the messages people send, read by this worker too
        message_tasks.register(app, messaging=inbound, retrying=retrying)

    @app.task(name=bus.TASK_IMPORTS, shared=False, queue=bus.QUEUE_IMPORTS, **retrying)
    def on_event(envelope: dict[str, Any]) -> None:
        parsed = Envelope.model_validate(envelope)
        event = parsed.event()
        if not isinstance(event, ImportReceived):
            return
        with logcontext.consuming(parsed, consumer=CONSUMER):
            next_batch(event.import_id)

    @app.task(name=bus.TASK_IMPORTS_BATCH, shared=False, queue=bus.QUEUE_IMPORTS, **retrying)
    def batch(import_id: str) -> None:
        next_batch(uuid.UUID(import_id))

    # No retries: the scheduler sends the next sweep within one period.
    @app.task(name=bus.TASK_IMPORTS_SWEEP, shared=False, queue=bus.QUEUE_IMPORTS)
    def sweep() -> int:
        stalled = work.stale(imports.uow_factory, older_than=imports.stale_after)
        for import_id in stalled:
            # Touched, so the next sweep waits as long again before sending another.
            with imports.uow_factory() as uow:
                uow.session.execute(
                    update(Import).where(Import.id == import_id).values(updated_at=utcnow())
                )
                uow.commit()
            send_batch(app, import_id)
        if inbound is not None:  # inbound messages whose event was lost on the way
            message_tasks.sweep(inbound)
        return len(stalled)


def send_batch(app: Celery, import_id: uuid.UUID) -> None:
    app.send_task(
        bus.TASK_IMPORTS_BATCH,
        args=[str(import_id)],
        queue=bus.QUEUE_IMPORTS,
        retry=True,
        retry_policy={"max_retries": 3, "interval_start": 0, "interval_step": 0.2},
    )
