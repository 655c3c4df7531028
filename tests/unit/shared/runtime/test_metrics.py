"""The worker metrics: what each counter counts, and under which labels."""

from __future__ import annotations

from typing import Any

from celery import Celery
from prometheus_client import CollectorRegistry

from shared.casework.deadline_scan import ScanReport
from shared.domain.regions import Level
from shared.domain.routing.engine import Decision
from shared.domain.routing.facts import Care
from shared.runtime.metrics import WorkerMetrics


def value(registry: CollectorRegistry, name: str, **labels: str) -> float:
    found = registry.get_sample_value(name, labels)
    return 0.0 if found is None else found


def decision(pillar: str, matched: Level | None) -> Decision:
    return Decision(
        rule_id="r1",
        rules_version="v1",
        pillar=pillar,
        purpose_id="tujuan",
        purpose_en="purpose",
        care=next(iter(Care)),
        start_level=Level.VILLAGE,
        coordinator_id=None,
        matched_level=matched,
    )


def test_routing_decisions_count_by_pillar_and_the_level_found_or_unassigned() -> None:
    metrics = WorkerMetrics(CollectorRegistry())
    metrics.decision(decision("health", Level.DISTRICT))
    metrics.decision(decision("health", Level.DISTRICT))
    metrics.decision(decision("food", None))
    name = "sekber_routing_decisions_total"
    assert value(metrics.registry, name, pillar="health", level="district") == 2
    assert value(metrics.registry, name, pillar="food", level="unassigned") == 1


def test_a_deadline_scan_adds_its_reminders_escalations_and_reroutes() -> None:
    metrics = WorkerMetrics(CollectorRegistry())
    metrics.deadline_scan(ScanReport(reminded=3, escalated=2, rerouted=1))
    metrics.deadline_scan(ScanReport(reminded=1))
    name = "sekber_deadline_actions_total"
    assert value(metrics.registry, name, action="remind") == 4
    assert value(metrics.registry, name, action="escalate") == 2
    assert value(metrics.registry, name, action="reroute") == 1


def test_task_outcomes_are_counted_by_task_name() -> None:
    metrics = WorkerMetrics(CollectorRegistry())
    metrics.count_tasks()
    app = Celery("test-metrics", set_as_current=False)

    @app.task(name="sekber.test.ok")
    def ok() -> None:
        pass

    @app.task(name="sekber.test.fails")
    def fails() -> None:
        raise ValueError("no")

    @app.task(name="sekber.test.flaky", bind=True, max_retries=3)
    def flaky(self: Any) -> None:
        if self.request.retries == 0:
            raise self.retry(countdown=0)

    ok.apply()
    ok.apply()
    fails.apply()
    flaky.apply()  # eagerly: the retry runs, and succeeds, at once
    name = "sekber_tasks_total"
    assert value(metrics.registry, name, task="sekber.test.ok", outcome="success") == 2
    assert value(metrics.registry, name, task="sekber.test.fails", outcome="failure") == 1
    assert value(metrics.registry, name, task="sekber.test.flaky", outcome="retry") == 1
    assert value(metrics.registry, name, task="sekber.test.flaky", outcome="success") == 1
