"""Gauges read from the database and the broker when /metrics is scraped: how much work
waits, and where.

Every query stays cheap on a large database: each reads only rows in a state that does
not last (the indexed `status` and `state` columns narrow them down), never the history,
so a 1M-case database scrapes as fast as an empty one with the same amount of open work.
That is why delivered notifications are not counted here (they only grow; the notify
worker's `sekber_tasks_total` counts the work). On PostgreSQL the reads also run under
a statement timeout.

A source that cannot be read leaves its gauges out of that scrape and reports 0 in
`sekber_metrics_source_up{source}`; the scrape itself always answers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Protocol

import redis
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import ColumnElement, and_, case, func, or_, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from shared import bus
from shared.db import UowFactory, read_only
from shared.domain.deadlines import Step
from shared.domain.lifecycle import State
from shared.domain.notice import NotificationState
from shared.models import Notification, Referral
from shared.redisconn import clients as redisconn

log = logging.getLogger(__name__)

REDIS_TIMEOUT_SECONDS = 1.0
STATEMENT_TIMEOUT_MS = 2000
# kombu's Redis transport: a priority above 0 goes to "<queue>\x06\x16<step>".
PRIORITY_SEPARATOR = "\x06\x16"
PRIORITY_STEPS = (0, 3, 6, 9)
UNACKED_KEY = "unacked"
# Notification states a row leaves again (sent is final, and only grows).
UNDELIVERED = (
    NotificationState.PENDING,
    NotificationState.SENDING,
    NotificationState.FAILED,
    NotificationState.DEAD,
)
# Task states with clocks running, as the deadline scan reads them.
CLOCKED = (State.REQUESTED, State.ACCEPTED, State.IN_PROGRESS, State.ON_HOLD)


class Source(Protocol):
    name: str
    errors: tuple[type[BaseException], ...]

    def read(self) -> list[Metric]: ...


class SourcesCollector(Collector):
    """Reads every source at scrape time; one failing source hides only its own gauges."""

    def __init__(self, sources: Sequence[Source]) -> None:
        self._sources = sources

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "sekber_metrics_source_up",
            "Whether a source of scrape-time gauges (database, broker) could be read",
            labels=["source"],
        )
        found: list[Metric] = []
        for source in self._sources:
            try:
                found.extend(source.read())
            except source.errors as exc:
                # The error's type only: its text may carry a host name or a credential.
                log.warning("%s metrics unavailable: %s", source.name, type(exc).__name__)
                up.add_metric([source.name], 0)
            else:
                up.add_metric([source.name], 1)
        yield up
        yield from found


class BrokerQueues:
    """Queue depths (LLEN of each queue's lists) and kombu's unacknowledged messages, in
    one round trip to Redis."""

    name = "broker"
    errors: tuple[type[BaseException], ...] = (redis.RedisError, OSError)

    def __init__(
        self,
        *,
        redis_url: str,
        key_prefix: str,
        queues: Sequence[str] = (bus.QUEUE_ROUTING, bus.QUEUE_NOTIFY),
    ) -> None:
        self._client = redisconn.client(
            redis_url,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        )
        self._prefix = key_prefix
        self._queues = tuple(queues)

    def read(self) -> list[Metric]:
        pipe = self._client.pipeline(transaction=False)
        for queue in self._queues:
            for key in queue_keys(queue):
                pipe.llen(self._prefix + key)
        pipe.hlen(self._prefix + UNACKED_KEY)
        results = [int(n) for n in pipe.execute()]
        depth = GaugeMetricFamily(
            "sekber_queue_depth",
            "Messages waiting in a broker queue, not yet taken by a worker",
            labels=["queue"],
        )
        steps = len(PRIORITY_STEPS)
        for i, queue in enumerate(self._queues):
            depth.add_metric([queue], sum(results[i * steps : (i + 1) * steps]))
        unacked = GaugeMetricFamily(
            "sekber_queue_unacked",
            "Messages workers took and have not acknowledged yet (every queue)",
            value=results[-1],
        )
        return [depth, unacked]


def queue_keys(queue: str) -> list[str]:
    return [queue if step == 0 else f"{queue}{PRIORITY_SEPARATOR}{step}" for step in PRIORITY_STEPS]


class Workload:
    """Work waiting in the database: undelivered notifications, tasks nobody could take,
    and open tasks past a deadline."""

    name = "database"
    errors: tuple[type[BaseException], ...] = (SQLAlchemyError, OSError)

    def __init__(self, *, uow_factory: UowFactory, clock: Callable[[], datetime]) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    def read(self) -> list[Metric]:
        now = self._clock()
        with self._uow_factory() as uow:
            session = uow.session
            read_only(session)
            if session.get_bind().dialect.name == "postgresql":
                session.execute(text(f"SET LOCAL statement_timeout = {STATEMENT_TIMEOUT_MS}"))
            return [_notifications(session), _unroutable(session), *_past_deadline(session, now)]


def _notifications(session: Session) -> Metric:
    family = GaugeMetricFamily(
        "sekber_notifications_undelivered",
        "Notifications not delivered (yet), by channel and state: pending, sending, "
        "failed (retrying) or dead (gave up)",
        labels=["channel", "state"],
    )
    rows = session.execute(
        select(Notification.channel, Notification.state, func.count())
        .where(Notification.state.in_(UNDELIVERED))
        .group_by(Notification.channel, Notification.state)
    )
    for channel, state, count in rows:
        family.add_metric([channel, state], count)
    return family


def _unroutable(session: Session) -> Metric:
    family = GaugeMetricFamily(
        "sekber_unroutable_tasks",
        "Tasks no coordinator could take, waiting in the supervisors' queue, by pillar",
        labels=["pillar"],
    )
    rows = session.execute(
        select(Referral.pillar_code, func.count())
        .where(Referral.status == State.UNASSIGNED.value)
        .group_by(Referral.pillar_code)
    )
    for pillar, count in rows:
        family.add_metric([pillar], count)
    return family


def _past_deadline(session: Session, now: datetime) -> list[Metric]:
    """Open steps past their due time, with the conditions of
    shared.domain.deadline_actions.open_steps: a task counts once however many of its
    steps are late."""
    late = _late_steps(now)
    counts = session.execute(
        select(
            func.count(),
            *(func.coalesce(func.sum(case((cond, 1), else_=0)), 0) for cond in late.values()),
        ).where(Referral.status.in_([s.value for s in CLOCKED]), or_(*late.values()))
    ).one()
    tasks = GaugeMetricFamily(
        "sekber_open_tasks_past_deadline",
        "Open tasks with at least one step past its deadline",
        value=int(counts[0]),
    )
    steps = GaugeMetricFamily(
        "sekber_open_task_steps_past_deadline",
        "Open tasks past the deadline of a step (accept, first_contact, resolve)",
        labels=["step"],
    )
    for step, count in zip(late, counts[1:], strict=True):
        steps.add_metric([step.value], int(count))
    return [tasks, steps]


def _late_steps(now: datetime) -> dict[Step, ColumnElement[bool]]:
    return {
        Step.ACCEPT: and_(
            Referral.status == State.REQUESTED.value,
            Referral.assigned_at.is_not(None),
            Referral.accept_due_at <= now,
        ),
        Step.FIRST_CONTACT: and_(
            Referral.status == State.ACCEPTED.value,
            Referral.started_at.is_(None),
            Referral.accepted_at.is_not(None),
            Referral.contact_due_at <= now,
        ),
        Step.RESOLVE: and_(Referral.assigned_at.is_not(None), Referral.resolve_due_at <= now),
    }
