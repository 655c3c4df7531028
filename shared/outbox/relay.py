"""The relay: publishes staged events to the broker, and the reconciliation sweep that
publishes again what nobody consumed.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import psycopg
from celery import Celery
from kombu.exceptions import OperationalError as BrokerError
from sqlalchemy import make_url, select, update
from sqlalchemy.exc import DBAPIError

from shared import bus
from shared.db import UowFactory
from shared.domain.lifecycle import CaseStatus
from shared.events import Envelope
from shared.models import Case, OutboxEvent, ProcessedEvent
from shared.models.base import utcnow
from shared.outbox.store import LISTENING_POLL_SECONDS, WAKE_CHANNEL
from shared.runtime import logcontext

if TYPE_CHECKING:
    from shared.runtime.metrics import WorkerMetrics

log = logging.getLogger(__name__)


def relay_once(*, uow_factory: UowFactory, app: Celery, batch_size: int) -> int:
    """Publish one batch of unpublished events; return how many were published."""
    tried: list[int] = []
    sent: list[int] = []
    with uow_factory() as uow:
        rows = uow.session.execute(
            select(OutboxEvent.id, OutboxEvent.envelope)
            .where(OutboxEvent.published_at.is_(None))
            .order_by(OutboxEvent.id)
            .limit(batch_size)
            .with_for_update(skip_locked=True)
        ).all()
        try:
            if rows:
                with app.producer_or_acquire() as producer:  # one producer for the batch
                    for row_id, raw in rows:
                        tried.append(row_id)
                        envelope = Envelope.model_validate(raw)
                        with logcontext.correlated(envelope.correlation_id):
                            count = bus.publish(app, envelope, producer=producer)
                            log.info(
                                "published %s %s to %d consumer(s)",
                                envelope.type,
                                envelope.id,
                                count,
                            )
                        sent.append(row_id)
        finally:
            # Keep what went out even when the broker fails half-way through the batch.
            if tried:
                uow.session.execute(
                    update(OutboxEvent)
                    .where(OutboxEvent.id.in_(tried))
                    .values(attempts=OutboxEvent.attempts + 1)
                )
            if sent:
                uow.session.execute(
                    update(OutboxEvent)
                    .where(OutboxEvent.id.in_(sent))
                    .values(published_at=utcnow())
                )
            uow.commit()
    return len(sent)


def republish_stuck_cases(*, uow_factory: UowFactory, older_than: timedelta) -> int:
    """Reconciliation: re-send CaseReceived for cases still unrouted long after publishing.

    This is the backstop for every broker loss mode; the routing consumer dedupes, so a
    case that was in fact routed meanwhile is not routed twice.
    """
    cutoff = utcnow() - older_than
    with uow_factory() as uow:
        stuck = select(Case.id).where(Case.status == CaseStatus.RECEIVED, Case.created_at < cutoff)
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


class Wakeup:
    """The relay's wait between rounds: until an outbox writer's NOTIFY (PostgreSQL), the
    poll interval, or `stop`, whichever comes first. Elsewhere (SQLite), or while its own
    connection is down, it simply waits the poll interval."""

    def __init__(self, database_url: str, *, stop: threading.Event) -> None:
        url = make_url(database_url)
        self._conninfo = (
            url.set(drivername="postgresql").render_as_string(hide_password=False)
            if url.get_backend_name() == "postgresql"
            else None
        )
        self._stop = stop
        self._conn: psycopg.Connection[Any] | None = None

    @property
    def listening(self) -> bool:
        return self._conn is not None and not self._conn.closed

    def wait(self, seconds: float) -> None:
        if self._conninfo is None:
            self._stop.wait(seconds)
            return
        try:
            if not self.listening:
                self._listen()
                return  # events committed while not listening: look at once
            assert self._conn is not None
            deadline = time.monotonic() + seconds
            # Short slices so that a stop request is honoured within a quarter second.
            while not self._stop.is_set():
                left = deadline - time.monotonic()
                if left <= 0 or any(True for _ in self._conn.notifies(timeout=min(left, 0.25))):
                    break
            for _ in self._conn.notifies(timeout=0):  # one round serves them all
                pass
        except psycopg.Error as exc:
            log.warning("relay wake-up channel lost, polling: %s", exc)
            self.close()
            self._stop.wait(seconds)

    def _listen(self) -> None:
        self._conn = psycopg.connect(self._conninfo or "", autocommit=True, connect_timeout=5)
        self._conn.execute(f"LISTEN {WAKE_CHANNEL}")

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(psycopg.Error):
                self._conn.close()
            self._conn = None


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
    wakeup: Wakeup | None = None,
) -> None:
    """Relay loop: drain the outbox, back off while the broker is down, sweep now and then.
    `heartbeat` is called once a round (the liveness probe's evidence, see
    shared.runtime.heartbeat).
    With a `wakeup` listening, a commit that staged an event starts the next round at once,
    and the poll is only the fallback."""
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
            listening = wakeup is not None and wakeup.listening
            wait = max(poll_seconds, LISTENING_POLL_SECONDS) if listening else poll_seconds
        except (BrokerError, DBAPIError, OSError) as exc:  # broker or database down: back off
            backoff = min(max(backoff * 2, 0.5), 10.0)
            log.warning("relay paused %.1fs: %s: %s", backoff, type(exc).__name__, exc)
            stop.wait(backoff)  # no early wake-up: the broker is what failed
            continue
        if wakeup is None:
            stop.wait(wait)
        else:
            wakeup.wait(wait)
