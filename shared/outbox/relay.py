"""The relay: publishes staged events to the broker, and the reconciliation sweep that
publishes again what nobody consumed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from celery import Celery
from kombu.exceptions import OperationalError as BrokerError
from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError

from shared import bus
from shared.db import UowFactory
from shared.domain.lifecycle import CaseStatus
from shared.events import Envelope
from shared.models import Case, OutboxEvent, ProcessedEvent
from shared.models.base import utcnow
from shared.outbox.store import LISTENING_POLL_SECONDS
from shared.outbox.wakeup import Wakeup
from shared.runtime import logcontext

if TYPE_CHECKING:
    from shared.runtime.metrics import WorkerMetrics

log = logging.getLogger(__name__)


# A message carries at most this many events for one consumer (its work must stay well
# inside the task's time limits).
DEFAULT_PER_MESSAGE = 50
# While a consumer's queue has this many messages no worker has taken yet, its events
# wait in the outbox and go later as one bigger message (see relay_round).
HOLD_AT = 1
# How often a round looks again while events are held for a busy consumer.
HOLD_POLL_SECONDS = 0.025
# A queue whose waiting message nobody has taken for this long has no worker free to
# take it (all stuck, or none running): holding would only move the wait from Redis to
# the outbox, so its events go as before, in messages of their own size, until it moves.
HOLD_AT_MOST_SECONDS = 2.0
NO_REPLICATION = bus.Replication()


class Stalls:
    """Since when each queue has had messages waiting without a pause (the relay's
    memory between rounds)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._since: dict[str, float] = {}
        self._clock = clock

    def busy(self, waiting: dict[str, int], hold_at: int) -> set[str]:
        """The queues whose events to hold now: busy, and not for too long."""
        now = self._clock()
        held = set()
        for queue, count in waiting.items():
            if count < hold_at:
                self._since.pop(queue, None)
                continue
            since = self._since.setdefault(queue, now)
            if now - since < HOLD_AT_MOST_SECONDS:
                held.add(queue)
        return held


@dataclass(frozen=True, slots=True)
class Round:
    """What one round did: events published (marked), messages sent, and whether events
    of a busy consumer were left to wait."""

    published: int
    messages: int = 0
    holding: bool = False


def relay_once(
    *,
    uow_factory: UowFactory,
    app: Celery,
    batch_size: int,
    per_message: int = DEFAULT_PER_MESSAGE,
    hold_at: int = HOLD_AT,
) -> int:
    """Publish one batch of unpublished events; return how many were published."""
    return relay_round(
        uow_factory=uow_factory,
        app=app,
        batch_size=batch_size,
        per_message=per_message,
        hold_at=hold_at,
    ).published


def relay_round(
    *,
    uow_factory: UowFactory,
    app: Celery,
    batch_size: int,
    per_message: int = DEFAULT_PER_MESSAGE,
    hold_at: int = HOLD_AT,
    stalls: Stalls | None = None,
    replication: bus.Replication = NO_REPLICATION,
) -> Round:
    """Publish one round of unpublished events, many to a message.

    Batches form by themselves, with no timer: while a batch-taking consumer's queue
    has `hold_at` messages that no worker has taken (all its workers are busy), its
    events stay in the outbox; once a worker frees, the next round sends everything
    that gathered meanwhile as one message (up to `per_message`). At a low rate every
    worker is free, nothing is held, and each event goes at once, alone. With `stalls`
    (the relay loop's), a queue nobody has taken from for HOLD_AT_MOST_SECONDS is not
    held. With `replication`, the round's messages are confirmed by Redis replicas before
    their events count as published (a failover then loses none)."""
    with app.producer_or_acquire() as producer:  # one producer for the round
        busy = _busy_queues(producer, hold_at, stalls or Stalls())
        held_types = sorted(t for t, subs in bus.SUBSCRIPTIONS.items() if busy & _queues(subs))
        with uow_factory() as uow:
            unpublished = OutboxEvent.published_at.is_(None)
            query = select(OutboxEvent.id, OutboxEvent.envelope).where(unpublished)
            if held_types:
                query = query.where(OutboxEvent.event_type.not_in(held_types))
            rows = uow.session.execute(
                query.order_by(OutboxEvent.id).limit(batch_size).with_for_update(skip_locked=True)
            ).all()
            holding = bool(held_types) and (
                uow.session.scalar(
                    select(OutboxEvent.id)
                    .where(unpublished, OutboxEvent.event_type.in_(held_types))
                    .limit(1)
                )
                is not None
            )
            envelopes = [(row_id, Envelope.model_validate(raw)) for row_id, raw in rows]
            sent: list[int] = []
            messages = 0
            try:
                messages = _send(app, producer, envelopes, per_message=per_message, sent=sent)
                if sent and not bus.replicated(producer, replication):
                    log.warning(
                        "no Redis replica confirmed %d published event(s) within %d ms: "
                        "a failover now would leave them to the reconciliation sweep",
                        len(sent),
                        replication.timeout_ms,
                    )
            finally:
                # Keep what went out even when the broker fails half-way through the round.
                _mark(uow.session, tried=[row_id for row_id, _ in envelopes], sent=sent)
                uow.commit()
    return Round(published=len(sent), messages=messages, holding=holding)


def _queues(subscribers: tuple[bus.Subscriber, ...]) -> set[str]:
    return {sub.queue for sub in subscribers if sub.batch_task is not None}


def _busy_queues(producer: Any, hold_at: int, stalls: Stalls) -> set[str]:
    if hold_at <= 0:
        return set()
    queues = {q for subs in bus.SUBSCRIPTIONS.values() for q in _queues(subs)}
    return stalls.busy(bus.waiting(producer, queues), hold_at)


def _send(
    app: Celery,
    producer: Any,
    envelopes: list[tuple[int, Envelope]],
    *,
    per_message: int,
    sent: list[int],
) -> int:
    """Publish the round's events, a message per consumer and up to `per_message` events,
    in the outbox's order; append to `sent` each row all of whose consumers got it.
    Return the number of messages."""
    pending: dict[int, int] = {}  # row -> messages still to send for it
    groups: dict[bus.Subscriber, list[tuple[int, Envelope]]] = {}
    for row_id, envelope in envelopes:
        subscribers = bus.SUBSCRIPTIONS.get(envelope.type, ())
        pending[row_id] = len(subscribers)
        if not subscribers:
            log.info("no consumer for %s %s", envelope.type, envelope.id)
        for sub in subscribers:
            groups.setdefault(sub, []).append((row_id, envelope))
    messages = 0
    for sub, group in groups.items():
        chunks = (
            [group[i : i + per_message] for i in range(0, len(group), per_message)]
            if sub.batch_task is not None
            else [[item] for item in group]
        )
        for chunk in chunks:
            if sub.batch_task is not None:
                bus.publish_batch(app, sub, [env for _, env in chunk], producer=producer)
            else:
                bus.publish_to(app, sub, chunk[0][1], producer=producer)
            messages += 1
            for row_id, envelope in chunk:
                pending[row_id] -= 1
                with logcontext.correlated(envelope.correlation_id):
                    log.info("published %s %s to %s", envelope.type, envelope.id, sub.consumer)
    sent.extend(row_id for row_id, left in pending.items() if left == 0)
    return messages


def _mark(session: Any, *, tried: list[int], sent: list[int]) -> None:
    if tried:
        session.execute(
            update(OutboxEvent)
            .where(OutboxEvent.id.in_(tried))
            .values(attempts=OutboxEvent.attempts + 1)
        )
    if sent:
        session.execute(
            update(OutboxEvent).where(OutboxEvent.id.in_(sent)).values(published_at=utcnow())
        )


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


@dataclass(frozen=True, slots=True)
class Chore:
    """Work the relay's loop does every `every` seconds beside the outbox (a failure is
    logged and tried again at the next time)."""

    name: str
    every: float
    run: Callable[[], None]


def _do_chores(chores: Sequence[Chore], due: dict[str, float], now: float) -> None:
    for chore in chores:
        if now < due.get(chore.name, 0.0):
            continue
        due[chore.name] = now + chore.every
        try:
            chore.run()
        except (DBAPIError, OSError) as exc:
            log.warning("relay chore %r failed: %s: %s", chore.name, type(exc).__name__, exc)


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
    per_message: int = DEFAULT_PER_MESSAGE,
    hold_at: int = HOLD_AT,
    chores: Sequence[Chore] = (),
    replication: bus.Replication = NO_REPLICATION,
) -> None:
    """Relay loop: drain the outbox, back off while the broker is down, sweep now and then.
    `heartbeat` is called once a round (the liveness probe's evidence, see
    shared.runtime.heartbeat).
    With a `wakeup` listening, a commit that staged an event starts the next round at once,
    and the poll is only the fallback."""
    backoff = poll_seconds
    next_sweep = 0.0
    due: dict[str, float] = {}
    stalls = Stalls()
    while not stop.is_set():
        if heartbeat is not None:
            heartbeat()
        try:
            now = time.monotonic()
            _do_chores(chores, due, now)
            if now >= next_sweep:
                again = republish_stuck_cases(uow_factory=uow_factory, older_than=reconcile_after)
                again += republish_unconsumed_events(
                    uow_factory=uow_factory, older_than=reconcile_after
                )
                if metrics is not None:
                    metrics.relay_republished.inc(again)
                next_sweep = now + reconcile_every
            done = relay_round(
                uow_factory=uow_factory,
                app=app,
                batch_size=batch_size,
                per_message=per_message,
                hold_at=hold_at,
                stalls=stalls,
                replication=replication,
            )
            backoff = poll_seconds
            if metrics is not None:
                metrics.relay_published.inc(done.published)
            if done.published:
                log.info("relayed %d event(s) in %d message(s)", done.published, done.messages)
            if done.published == batch_size:
                continue
            if done.holding:  # a busy consumer's events wait: look again soon
                stop.wait(HOLD_POLL_SECONDS)
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
