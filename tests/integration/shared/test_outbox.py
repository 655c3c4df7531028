"""The outbox relay and the reconciliation sweep against a real database and Redis."""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from datetime import timedelta

import httpx
import pytest
import redis
from kombu.exceptions import OperationalError
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select, update

from sekber_cli.embedded import free_port
from shared import bus
from shared.config import Settings
from shared.db import UowFactory
from shared.models import Case, OutboxEvent
from shared.models.base import utcnow
from shared.outbox import relay as outbox
from shared.runtime import metrics as worker_metrics
from tests.integration.factories import submit


def unpublished(uow_factory: UowFactory) -> list[uuid.UUID]:
    with uow_factory() as uow:
        return list(
            uow.session.scalars(
                select(OutboxEvent.event_id).where(OutboxEvent.published_at.is_(None))
            )
        )


def drain(uow_factory: UowFactory, settings: Settings) -> int:
    app = bus.make_celery(settings, name="test-relay")
    total = 0
    while sent := outbox.relay_once(uow_factory=uow_factory, app=app, batch_size=50, hold_at=0):
        total += sent
    return total


def _events_in(message: bytes) -> tuple[str, list[dict[str, object]]]:
    """The task name and the events of a Celery message as it lies in Redis."""
    raw = json.loads(message)
    args = json.loads(base64.b64decode(raw["body"]))[0]
    return raw["headers"]["task"], args[0]


def test_the_relay_publishes_each_event_to_its_subscribers_queue(
    uow_factory: UowFactory, settings: Settings, redis_url: str
) -> None:
    drain(uow_factory, settings)
    # Queues of their own, which no worker of this test run consumes.
    alone = settings.model_copy(update={"broker_key_prefix": f"outbox-{uuid.uuid4().hex}:"})
    client = redis.Redis.from_url(redis_url)
    queue = alone.broker_key_prefix + bus.QUEUE_ROUTING
    case_id = submit(uow_factory, category="FM", village="51.03.01.1001")
    assert drain(uow_factory, alone) == 1
    assert unpublished(uow_factory) == []
    assert client.llen(queue) == 1
    message = client.lpop(queue)
    assert message is not None
    task, events = _events_in(message)
    assert task == bus.TASK_ROUTING_BATCH
    assert [(e["type"], e["payload"]) for e in events] == [
        ("CaseReceived", {"case_id": str(case_id)})
    ]
    client.delete(*client.keys(f"{alone.broker_key_prefix}*"))


def test_events_for_a_busy_consumer_wait_and_then_go_together_in_order(
    uow_factory: UowFactory, settings: Settings, redis_url: str
) -> None:
    """While a message waits untaken in the routing queue, new events stay in the outbox;
    once a worker took it, the next round sends all of them in one message, in order."""
    drain(uow_factory, settings)
    alone = settings.model_copy(update={"broker_key_prefix": f"outbox-{uuid.uuid4().hex}:"})
    app = bus.make_celery(alone, name="test-relay-hold")
    client = redis.Redis.from_url(redis_url)
    queue = alone.broker_key_prefix + bus.QUEUE_ROUTING
    first = submit(uow_factory, category="FM", village="51.03.01.1004")
    assert outbox.relay_once(uow_factory=uow_factory, app=app, batch_size=50) == 1
    later = [submit(uow_factory, category="FM", village="51.03.01.1004") for _ in range(3)]
    held = outbox.relay_round(uow_factory=uow_factory, app=app, batch_size=50)
    assert (held.published, held.holding) == (0, True)
    assert len(unpublished(uow_factory)) == 3
    message = client.rpop(queue)  # a worker takes the first message
    assert message is not None and _events_in(message)[1][0]["payload"] == {"case_id": str(first)}
    done = outbox.relay_round(uow_factory=uow_factory, app=app, batch_size=50, per_message=2)
    assert (done.published, done.messages, done.holding) == (3, 2, False)
    sent = [_events_in(m) for m in reversed(client.lrange(queue, 0, -1))]  # oldest first
    assert [len(events) for _, events in sent] == [2, 1]
    assert [e["payload"] for _, events in sent for e in events] == [
        {"case_id": str(case_id)} for case_id in later
    ]
    client.delete(*client.keys(f"{alone.broker_key_prefix}*"))


def test_while_the_broker_is_down_events_wait_in_the_outbox(
    uow_factory: UowFactory, settings: Settings
) -> None:
    drain(uow_factory, settings)
    submit(uow_factory, category="FM", village="51.03.01.1002")
    down = settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    app = bus.make_celery(down, name="test-relay-down")
    app.conf.broker_connection_timeout = 0.5
    with pytest.raises(OperationalError):
        outbox.relay_once(uow_factory=uow_factory, app=app, batch_size=50)
    assert len(unpublished(uow_factory)) == 1
    assert drain(uow_factory, settings) == 1


def test_the_sweep_republishes_a_case_left_unrouted(
    uow_factory: UowFactory, settings: Settings
) -> None:
    drain(uow_factory, settings)
    case_id = submit(uow_factory, category="FM", village="51.03.01.1003")
    drain(uow_factory, settings)
    long_ago = utcnow() - timedelta(minutes=10)
    with uow_factory() as uow:
        uow.session.execute(update(Case).where(Case.id == case_id).values(created_at=long_ago))
        uow.session.execute(
            update(OutboxEvent).where(OutboxEvent.case_id == case_id).values(published_at=long_ago)
        )
        uow.commit()
    assert (
        outbox.republish_stuck_cases(uow_factory=uow_factory, older_than=timedelta(minutes=5)) >= 1
    )
    with uow_factory() as uow:
        row = uow.session.scalars(select(OutboxEvent).where(OutboxEvent.case_id == case_id)).one()
    assert row.published_at is None
    assert row.republished == 1
    assert drain(uow_factory, settings) >= 1


def test_the_sweep_leaves_routed_and_fresh_cases_alone(
    uow_factory: UowFactory, settings: Settings
) -> None:
    drain(uow_factory, settings)
    submit(uow_factory, category="FM", village="51.03.01.1004")
    drain(uow_factory, settings)
    assert (
        outbox.republish_stuck_cases(uow_factory=uow_factory, older_than=timedelta(minutes=5)) == 0
    )


def test_the_relay_counts_what_it_publishes_and_re_publishes(
    uow_factory: UowFactory, settings: Settings, redis_url: str
) -> None:
    drain(uow_factory, settings)
    stuck = submit(uow_factory, category="FM", village="51.03.01.1001")
    drain(uow_factory, settings)
    long_ago = utcnow() - timedelta(minutes=10)
    with uow_factory() as uow:
        uow.session.execute(update(Case).where(Case.id == stuck).values(created_at=long_ago))
        uow.session.execute(
            update(OutboxEvent).where(OutboxEvent.case_id == stuck).values(published_at=long_ago)
        )
        uow.commit()
    submit(uow_factory, category="FM", village="51.03.01.1002")
    # Queues of their own, which no worker of this test run consumes.
    alone = settings.model_copy(update={"broker_key_prefix": f"metrics-{uuid.uuid4().hex}:"})
    metrics = worker_metrics.for_process()
    port = free_port()
    worker_metrics.serve(metrics, host="127.0.0.1", port=port)
    stop = threading.Event()
    relay = threading.Thread(
        target=outbox.run_relay,
        kwargs={
            "uow_factory": uow_factory,
            "app": bus.make_celery(alone, name="test-relay-metrics"),
            "stop": stop,
            "poll_seconds": 0.05,
            "batch_size": 50,
            "reconcile_every": 3600.0,
            "reconcile_after": timedelta(minutes=5),
            "metrics": metrics,
        },
    )
    relay.start()
    try:
        deadline = time.monotonic() + 10
        while unpublished(uow_factory) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        relay.join(timeout=10)
    scraped = {
        sample.name: sample.value
        for family in text_string_to_metric_families(
            httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
        )
        for sample in family.samples
    }
    republished = scraped["sekber_relay_republished_events_total"]
    assert republished >= 1  # the stuck case (and any other test left unrouted as long)
    assert scraped["sekber_relay_published_events_total"] == republished + 1  # and the new one
    redis.Redis.from_url(redis_url).delete(
        *redis.Redis.from_url(redis_url).keys(f"{alone.broker_key_prefix}*")
    )
