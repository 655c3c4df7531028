"""Prometheus metrics of the workers and the relay, each process on its own port
(SEKBER_METRICS_PORT; 0 leaves it off).

The prefork routing worker runs its tasks in child processes, which cannot share one
port: it counts in prometheus_client's multiprocess mode, each child writing to files in
PROMETHEUS_MULTIPROC_DIR, and the parent serves their sum. That variable must be set
before prometheus_client is first imported (sekber_cli.services does it).

Labels are small fixed sets (task names, pillars, levels, outcomes): no ids.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from celery import signals
from prometheus_client import CollectorRegistry, Counter, multiprocess, start_http_server

if TYPE_CHECKING:
    from shared.domain.routing.engine import Decision

log = logging.getLogger(__name__)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
UNASSIGNED = "unassigned"


class ScanCounts(Protocol):
    """What a deadline scan reports (shared.casework.deadline_scan.ScanReport)."""

    @property
    def reminded(self) -> int: ...
    @property
    def escalated(self) -> int: ...
    @property
    def rerouted(self) -> int: ...
    @property
    def breached(self) -> Mapping[str, int]: ...


class WorkerMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        self.tasks = Counter(
            "sekber_tasks",
            "Celery tasks finished, by task name and outcome (success, failure, retry)",
            ["task", "outcome"],
            registry=registry,
        )
        self.routing_decisions = Counter(
            "sekber_routing_decisions",
            "Routing decisions, by pillar and the level a coordinator was found at",
            ["pillar", "level"],
            registry=registry,
        )
        self.relay_published = Counter(
            "sekber_relay_published_events",
            "Outbox events the relay published to the broker",
            registry=registry,
        )
        self.relay_republished = Counter(
            "sekber_relay_republished_events",
            "Outbox events the reconciliation sweep marked for publishing again",
            registry=registry,
        )
        self.deadline_actions = Counter(
            "sekber_deadline_actions",
            "Deadline scan actions, by kind (remind, escalate, reroute)",
            ["action"],
            registry=registry,
        )
        self.deadline_breaches = Counter(
            "sekber_deadline_breaches",
            "Deadlines the scan found breached (a step's first escalation), by step",
            ["step"],
            registry=registry,
        )

    def decision(self, decision: Decision) -> None:
        level = UNASSIGNED if decision.matched_level is None else decision.matched_level.value
        self.routing_decisions.labels(decision.pillar, level).inc()

    def deadline_scan(self, report: ScanCounts) -> None:
        self.deadline_actions.labels("remind").inc(report.reminded)
        self.deadline_actions.labels("escalate").inc(report.escalated)
        self.deadline_actions.labels("reroute").inc(report.rerouted)
        for step, count in report.breached.items():
            self.deadline_breaches.labels(step).inc(count)

    def count_tasks(self) -> None:
        """Count every task outcome of this process through Celery's signals."""

        def outcome(name: str) -> Any:
            def receiver(sender: Any = None, **_: Any) -> None:
                self.tasks.labels(getattr(sender, "name", "unknown"), name).inc()

            return receiver

        # Strong references (the receivers are closures); once per instance and outcome.
        for signal, name in (
            (signals.task_success, "success"),
            (signals.task_failure, "failure"),
            (signals.task_retry, "retry"),
        ):
            signal.connect(
                outcome(name), weak=False, dispatch_uid=f"sekber-metrics-{name}-{id(self)}"
            )


def for_process() -> WorkerMetrics:
    """The metrics of this process, on a registry of their own. In multiprocess mode the
    values also go to the directory's files, which serve() reads instead."""
    return WorkerMetrics(CollectorRegistry())


def serve(metrics: WorkerMetrics, *, host: str, port: int) -> None:
    """Serve /metrics on a daemon thread; in multiprocess mode, the sum of all children."""
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = metrics.registry
    start_http_server(port, addr=host, registry=registry)
    log.info("metrics on http://%s:%d/metrics", host, port)


def start_for_worker(*, host: str, port: int) -> WorkerMetrics | None:
    """Count this worker's tasks and serve them on `port`; None (nothing) when port is 0."""
    if not port:
        return None
    metrics = for_process()
    metrics.count_tasks()
    serve(metrics, host=host, port=port)
    return metrics
