"""Thousands of referrals through the real processes while one part of the system fails.

After each fault, and once everything is quiet again, every accepted case is routed
exactly once and every notification is recorded once and delivered once, counted from the
database and from what the real SMTP server and webhook receiver got. Each test prints
the counts it checked (`pytest -s` shows them).
"""

from __future__ import annotations

import signal
import time
from typing import Any

from sekber_cli.supervisor import wait_for_http
from shared import bus
from tests.chaos.harness import Harness, seconds_until_restored, unacked_tags
from tests.chaos.load import Load
from tests.chaos.servers import PgCluster

REDELIVERY_WITHIN = 15.0  # seconds, for a message held by a worker that died
# The notify worker's threads (services/notify/worker.py): sends in flight at once.
NOTIFY_THREADS = 4
REDIS_DOWN_FOR = 30.0


def _kill_worker(h: Harness, worker: str, queue: str) -> dict[str, Any]:
    sup = h.stack.supervisor
    # Kill it while it holds messages: taken from Redis, not yet acknowledged.
    deadline = time.monotonic() + 60
    while not (held := unacked_tags(h.stack, queue)) and time.monotonic() < deadline:
        time.sleep(0.02)
    sup.kill(worker, signal.SIGKILL)
    while sup.alive(worker):
        time.sleep(0.05)
    sup.start_one(worker)
    restored = seconds_until_restored(h.stack, held)
    return {
        f"{worker} messages held when killed": len(held),
        "back in the queue after": f"{restored:.1f} s",
        "_restored_s": restored,
        "_held": len(held),
    }


def test_a_routing_worker_killed_with_sigkill_loses_and_repeats_nothing(harness: Harness) -> None:
    counts = harness.run(
        "routing worker SIGKILL", lambda h, _: _kill_worker(h, "routing", bus.QUEUE_ROUTING)
    )
    assert counts.problems() == []
    assert counts.extra["_held"] > 0, "the worker held no message when killed"
    assert counts.extra["_restored_s"] <= REDELIVERY_WITHIN


def test_a_notify_worker_killed_with_sigkill_loses_nothing_and_repeats_only_sends_in_flight(
    harness: Harness,
) -> None:
    # The documented at-least-once edge: a send a receiver took just before the kill, not
    # yet marked sent, goes again after its lease, with the same Message-ID / webhook-id.
    # At most one such send per notify thread.
    counts = harness.run(
        "notify worker SIGKILL",
        lambda h, _: _kill_worker(h, "notify", bus.QUEUE_NOTIFY),
        repeats_allowed=NOTIFY_THREADS,
    )
    assert counts.problems() == []
    assert counts.extra["_held"] > 0, "the worker held no message when killed"
    assert counts.extra["_restored_s"] <= REDELIVERY_WITHIN


def test_an_intake_killed_mid_request_leaves_one_case_per_idempotency_key(harness: Harness) -> None:
    def kill_intake(h: Harness, load: Load) -> dict[str, Any]:
        sup = h.stack.supervisor
        sup.kill("intake", signal.SIGKILL)
        time.sleep(1)
        sup.start_one("intake")
        up = wait_for_http(f"{h.stack.base_url}/healthz", timeout=60)
        return {"intake answered again": up}

    counts = harness.run("intake SIGKILL", kill_intake)
    assert counts.problems() == []
    assert counts.retries > 0, "the kill cut no request short"


def test_redis_killed_and_restarted_from_its_append_only_file_loses_nothing(
    harness: Harness,
) -> None:
    def kill_redis(h: Harness, load: Load) -> dict[str, Any]:
        queued = h.stack.queue_length(bus.QUEUE_ROUTING) + h.stack.queue_length(bus.QUEUE_NOTIFY)
        h.redis.kill()
        time.sleep(1)
        h.redis.start()
        return {"messages queued just before the kill": queued}

    counts = harness.run("Redis SIGKILL + restart (AOF everysec)", kill_redis)
    assert counts.problems() == []


def test_intake_accepts_while_redis_is_down_for_30_s_and_the_outbox_drains_after(
    harness: Harness,
) -> None:
    def stop_redis(h: Harness, load: Load) -> dict[str, Any]:
        h.redis.stop()
        before = load.outcome.count()
        time.sleep(REDIS_DOWN_FOR)
        during = load.outcome.count() - before
        h.redis.start()
        return {"accepted while Redis was down": during, "_during": during}

    counts = harness.run(f"Redis down {REDIS_DOWN_FOR:.0f} s", stop_redis, at=0.1)
    assert counts.problems() == []
    assert counts.extra["_during"] > 0


def test_a_postgresql_restart_loses_and_repeats_nothing(
    harness_own_postgres: tuple[Harness, PgCluster],
) -> None:
    harness, cluster = harness_own_postgres

    def restart(h: Harness, load: Load) -> dict[str, Any]:
        started = time.monotonic()
        cluster.restart()
        return {"PostgreSQL restart took": f"{time.monotonic() - started:.1f} s"}

    counts = harness.run("PostgreSQL restart", restart)
    assert counts.problems() == []
