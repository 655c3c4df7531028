"""Transactional outbox: events written with the data, published by a relay afterwards.

Consumers dedupe with processed_events, written in the same transaction as their effect,
so the relay may publish an event more than once without harm.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from celery import Celery
from kombu.exceptions import OperationalError as BrokerError
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from shared import bus, logcontext
from shared.db import UowFactory
from shared.events import Envelope, Event
from shared.models import Case, OutboxEvent, ProcessedEvent
from shared.models.base import utcnow

if TYPE_CHECKING:
    from shared.metrics import WorkerMetrics

log = logging.getLogger(__name__)


def add_event(session: Session, event: Event, *, correlation_id: str) -> Envelope:
    """Stage an event in the caller's transaction; it is published only if that commits."""
    envelope = Envelope.wrap(event, correlation_id=correlation_id)
    case_id = getattr(event, "case_id", None)
    session.add(
        OutboxEvent(
            event_id=envelope.id,
            event_type=envelope.type,
            case_id=case_id,
            envelope=envelope.model_dump(mode="json"),
        )
    )
    return envelope


def claim(session: Session, *, consumer: str, event_id: uuid.UUID) -> bool:
    """Record that `consumer` handles `event_id` in this transaction.

    Returns False when it was handled before: the caller must then do nothing.
    """
    values = {"consumer": consumer, "event_id": event_id, "processed_at": utcnow()}
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(ProcessedEvent)
        .values(**values)
        .on_conflict_do_nothing()
        .returning(ProcessedEvent.event_id)
    )
    # RETURNING, not rowcount: through the ORM, rowcount of this insert is not reliable.
    return session.execute(stmt).first() is not None


def relay_once(*, uow_factory: UowFactory, app: Celery, batch_size: int) -> int:
    """Publish one batch of unpublished events; return how many were published."""
    published = 0
    with uow_factory() as uow:
        rows = uow.session.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.published_at.is_(None))
            .order_by(OutboxEvent.id)
            .limit(batch_size)
            .with_for_update(skip_locked=True)
        ).all()
        try:
            for row in rows:
                row.attempts += 1
                envelope = Envelope.model_validate(row.envelope)
                with logcontext.correlated(envelope.correlation_id):
                    sent = bus.publish(app, envelope)
                    log.info("published %s %s to %d consumer(s)", envelope.type, envelope.id, sent)
                row.published_at = utcnow()
                published += 1
        finally:
            # Keep what went out even when the broker fails half-way through the batch.
            uow.commit()
    return published


def republish_stuck_cases(*, uow_factory: UowFactory, older_than: timedelta) -> int:
    """Reconciliation: re-send CaseReceived for cases still unrouted long after publishing.

    This is the backstop for every broker loss mode; the routing consumer dedupes, so a
    case that was in fact routed meanwhile is not routed twice.
    """
    cutoff = utcnow() - older_than
    with uow_factory() as uow:
        stuck = select(Case.id).where(Case.status == "received", Case.created_at < cutoff)
        result = uow.session.execute(
            update(OutboxEvent)
            .where(
                OutboxEvent.event_type == "CaseReceived",
                OutboxEvent.case_id.in_(stuck),
                OutboxEvent.published_at.is_not(None),
                OutboxEvent.published_at < cutoff,
            )
            .values(published_at=None, republished=OutboxEvent.republished + 1)
        )
        uow.commit()
    count = int(result.rowcount)  # type: ignore[attr-defined]
    if count:
        log.warning("reconciliation re-published %d stuck case event(s)", count)
    return count


# Event types whose consumer records processed_events for every delivery it takes (the
# consumer claims before it looks further). An event of these types published long ago
# with no record for its consumer was lost on the way (a broker that lost its data, a
# message dropped after its retries) and is published again. CaseReceived is not here:
# republish_stuck_cases covers it from the case's status.
CLAIMED_BY: dict[str, tuple[str, ...]] = {
    bus.ROUTING.consumer: ("ReferralRouteRequested",),
    bus.NOTIFY.consumer: (
        "ReferralAssigned",
        "ReferralUnroutable",
        "ReferralOffered",
        "ReferralStatusChanged",
        "ReferralDeadlineApproaching",
        "ReferralEscalated",
        "CaseClosed",
    ),
}
# An event is re-published at most this often: one that fails every time is a bug to fix,
# not a reason to keep the broker busy.
MAX_REPUBLISH = 10
# Only events published this recently are looked at, so a sweep reads a bounded slice.
SWEEP_HORIZON = timedelta(days=2)


def republish_unconsumed_events(*, uow_factory: UowFactory, older_than: timedelta) -> int:
    """Reconciliation for tasks and notifications: re-send events their consumer never
    recorded, long after they were published. Consumers dedupe, so a late original is
    harmless."""
    now = utcnow()
    cutoff, horizon = now - older_than, now - SWEEP_HORIZON
    count = 0
    with uow_factory() as uow:
        for consumer, types in CLAIMED_BY.items():
            recorded = select(ProcessedEvent.event_id).where(
                ProcessedEvent.consumer == consumer,
                ProcessedEvent.event_id == OutboxEvent.event_id,
            )
            result = uow.session.execute(
                update(OutboxEvent)
                .where(
                    OutboxEvent.event_type.in_(types),
                    OutboxEvent.published_at.is_not(None),
                    OutboxEvent.published_at < cutoff,
                    OutboxEvent.published_at >= horizon,
                    OutboxEvent.republished < MAX_REPUBLISH,
                    ~recorded.exists(),
                )
                .values(published_at=None, republished=OutboxEvent.republished + 1)
                .execution_options(synchronize_session=False)
            )
            count += int(result.rowcount)  # type: ignore[attr-defined]
        uow.commit()
    if count:
        log.warning("reconciliation re-published %d unconsumed event(s)", count)
    return count


def run_relay(
    *,
    uow_factory: UowFactory,
    app: Celery,
    stop: threading.Event,
    poll_seconds: float,
    batch_size: int,
    reconcile_every: float,
    reconcile_after: timedelta,
    metrics: WorkerMetrics | None = None,
    heartbeat: Callable[[], None] | None = None,
) -> None:
    """Relay loop: drain the outbox, back off while the broker is down, sweep now and then.
    `heartbeat` is called once a round (the liveness probe's evidence, see shared.heartbeat)."""
    backoff = poll_seconds
    next_sweep = 0.0
    while not stop.is_set():
        if heartbeat is not None:
            heartbeat()
        try:
            now = time.monotonic()
            if now >= next_sweep:
                again = republish_stuck_cases(uow_factory=uow_factory, older_than=reconcile_after)
                again += republish_unconsumed_events(
                    uow_factory=uow_factory, older_than=reconcile_after
                )
                if metrics is not None:
                    metrics.relay_republished.inc(again)
                next_sweep = now + reconcile_every
            sent = relay_once(uow_factory=uow_factory, app=app, batch_size=batch_size)
            backoff = poll_seconds
            if metrics is not None:
                metrics.relay_published.inc(sent)
            if sent:
                log.info("relayed %d event(s)", sent)
            if sent == batch_size:
                continue
            wait = poll_seconds
        except (BrokerError, DBAPIError, OSError) as exc:  # broker or database down: back off
            backoff = min(max(backoff * 2, 0.5), 10.0)
            log.warning("relay paused %.1fs: %s: %s", backoff, type(exc).__name__, exc)
            wait = backoff
        stop.wait(wait)
