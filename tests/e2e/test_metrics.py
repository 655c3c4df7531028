"""The workers and the relay count what they do, each on its own /metrics port."""

from __future__ import annotations

from typing import Any

from shared.db import UowFactory
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
    routed = {"task": "sekber.routing.on_event", "outcome": "success"}
    assert moved("routing", "sekber_tasks_total", **routed) >= 1
    assert moved("routing", "sekber_routing_decisions_total", pillar=task["pillar"]) >= 1
    sent = {"task": "sekber.notify.on_event", "outcome": "success"}
    assert moved("notify", "sekber_tasks_total", **sent) >= 1
