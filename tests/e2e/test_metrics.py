"""The workers and the relay count what they do, each on its own /metrics port; the
intake's /metrics reads the queues and the work waiting in the database when scraped.
Cases nobody can serve are in Kepulauan Riau (21)."""

from __future__ import annotations

import os
import signal
import uuid
from datetime import timedelta
from typing import Any

from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select, update

from shared import bus
from shared.db import UowFactory
from shared.models import Referral, Region
from shared.models.base import utcnow
from tests.e2e.stack import Stack, wait_until
from tests.e2e.test_referral_flow import delivered, east_java_villages, referral

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def count(samples: Samples, name: str, **labels: str) -> float:
    wanted = set(labels.items())
    return sum(v for (n, found), v in samples.items() if n == name and wanted <= found)


def test_a_referral_moves_the_relay_routing_and_notify_counters(
    stack: Stack, uow_factory: UowFactory
) -> None:
    before = {service: stack.metrics(service) for service in ("relay", "routing", "notify")}
    [village] = east_java_villages(uow_factory, 1)
    submitted = stack.post_referral(referral("LUT", village))
    case: dict[str, Any] = wait_until(
        lambda: delivered(stack, submitted["case_id"]), timeout=60, what="delivery"
    )
    [task] = case["referrals"]

    def moved(service: str, name: str, **labels: str) -> float:
        after = stack.metrics(service)
        return count(after, name, **labels) - count(before[service], name, **labels)

    # CaseReceived to routing, ReferralAssigned to notify, at least.
    assert moved("relay", "sekber_relay_published_events_total") >= 2
    # Counted in a prefork child, served by the parent.
    # The relay sends events in batches (a batch of one at this rate).
    routed = {"task": "sekber.routing.on_batch", "outcome": "success"}
    assert moved("routing", "sekber_tasks_total", **routed) >= 1
    assert moved("routing", "sekber_routing_decisions_total", pillar=task["pillar"]) >= 1
    sent = {"task": "sekber.notify.on_batch", "outcome": "success"}
    assert moved("notify", "sekber_tasks_total", **sent) >= 1


def intake(stack: Stack) -> Samples:
    response = stack.http.get("/metrics")
    assert response.status_code == 200
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def test_the_queue_depth_follows_a_stalled_worker_and_falls_back_to_zero(
    stack: Stack, uow_factory: UowFactory
) -> None:
    def notify_depth_at_least(n: int) -> Samples | None:
        samples = intake(stack)
        return (
            samples if count(samples, "sekber_queue_depth", queue=bus.QUEUE_NOTIFY) >= n else None
        )

    def drained() -> Samples | None:
        samples = intake(stack)
        waiting = count(samples, "sekber_queue_depth", queue=bus.QUEUE_NOTIFY)
        return samples if waiting == 0 and count(samples, "sekber_queue_unacked") == 0 else None

    assert count(intake(stack), "sekber_metrics_source_up", source="broker") == 1
    group = stack.supervisor.pid("notify")
    os.killpg(group, signal.SIGSTOP)
    try:
        for village in east_java_villages(uow_factory, 3):
            stack.post_referral(referral("LUT", village))
        # Three ReferralAssigned wait for notify. A frozen worker's pending BRPOP may
        # already hold one (Redis hands it over, the process cannot take it in): so 2.
        wait_until(lambda: notify_depth_at_least(2), timeout=60, what="the notify queue to grow")
    finally:
        os.killpg(group, signal.SIGCONT)

    after = wait_until(drained, timeout=60, what="notify to drain its queue")
    assert count(after, "sekber_metrics_source_up", source="broker") == 1


def test_a_case_nobody_serves_and_a_late_task_move_the_intake_gauges_and_the_breach_counter(
    stack: Stack, uow_factory: UowFactory
) -> None:
    before = intake(stack)
    breaches_before = stack.metrics("routing")

    nobody = stack.post_referral(referral("LUT", _last_village(uow_factory, "21")))
    [village] = east_java_villages(uow_factory, 1)
    served = stack.post_referral(referral("LUT", village))
    wait_until(
        lambda: _tasks(uow_factory, nobody["case_id"], "unassigned"),
        timeout=60,
        what="the Riau case to wait for the supervisors",
    )
    [late] = wait_until(
        lambda: _tasks(uow_factory, served["case_id"], "requested"),
        timeout=60,
        what="the East Java task to be assigned",
    )
    # Deadlines are days long: move the resolve deadline into the past instead of waiting.
    with uow_factory() as uow:
        uow.session.execute(
            update(Referral)
            .where(Referral.id == late)
            .values(resolve_due_at=utcnow() - timedelta(minutes=1))
        )
        uow.commit()

    def breached() -> float:
        after = stack.metrics("routing")
        name, step = "sekber_deadline_breaches_total", "resolve"
        return count(after, name, step=step) - count(breaches_before, name, step=step)

    wait_until(lambda: breached() >= 1, timeout=60, what="the scan to find the breach")
    after = intake(stack)

    def moved(name: str, **labels: str) -> float:
        return count(after, name, **labels) - count(before, name, **labels)

    assert breached() == 1  # a second scan does not count it again
    assert moved("sekber_unroutable_tasks", pillar="TKSK") == 1
    # Escalated, the task is still open and still late.
    assert moved("sekber_open_tasks_past_deadline") == 1
    assert moved("sekber_open_task_steps_past_deadline", step="resolve") == 1
    assert moved("sekber_open_task_steps_past_deadline", step="accept") == 0


def _last_village(uow_factory: UowFactory, province: str) -> str:
    with uow_factory() as uow:
        return uow.session.scalars(
            select(Region.code)
            .where(Region.level == "village", Region.code.like(f"{province}.%"))
            .order_by(Region.code.desc())
            .limit(1)
        ).one()


def _tasks(uow_factory: UowFactory, case_id: str, status: str) -> list[uuid.UUID]:
    with uow_factory() as uow:
        return list(
            uow.session.scalars(
                select(Referral.id).where(
                    Referral.case_id == uuid.UUID(case_id), Referral.status == status
                )
            )
        )
