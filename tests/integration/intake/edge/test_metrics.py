"""The intake's /metrics: request counters, and the gauges read from the database and the
broker at scrape time. Coordinators and cases of these tests are in Kepulauan Riau (21)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
import redis
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select, update

from sekber_cli.embedded import free_port
from services.intake.app import create_app
from shared import bus
from shared.config import Settings
from shared.db import UowFactory
from shared.models import Notification, Referral, Region
from shared.models.base import utcnow
from tests.integration.factories import add_coordinator, route, submit
from tests.integration.intake.conftest import SENDER, referral

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]
SUBMIT = {"method": "POST", "route": "/api/v1/referrals", "status": "201"}
# Kepulauan Riau: the first kecamatan has a TKSK, the second has none (so LUT, which goes
# to the kecamatan TKSK, finds nobody there or above).
PROVINCE = "21"


@pytest.fixture(scope="module")
def metrics_settings(settings: Settings) -> Settings:
    # A broker prefix of this module's own: nothing else puts messages under it.
    prefix = f"sekber-metrics-{uuid.uuid4().hex[:8]}:"
    return settings.model_copy(update={"broker_key_prefix": prefix, "directory_check_seconds": 0})


@pytest.fixture(scope="module")
def client(metrics_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(metrics_settings), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def broker(metrics_settings: Settings) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(metrics_settings.redis_url)
    yield client
    keys = list(client.scan_iter(match=f"{metrics_settings.broker_key_prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()


def scrape(client: TestClient) -> Samples:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def submissions(samples: Samples) -> float:
    return value(samples, "sekber_http_requests_total", **SUBMIT)


def districts(uow_factory: UowFactory) -> list[tuple[str, str]]:
    """(kecamatan, one of its villages) for the first kecamatans of the province."""
    with uow_factory() as uow:
        villages = uow.session.scalars(
            select(Region.code)
            .where(Region.level == "village", Region.code.like(f"{PROVINCE}.%"))
            .order_by(Region.code)
        ).all()
    found: dict[str, str] = {}
    for village in villages:
        found.setdefault(village.rsplit(".", 1)[0], village)
    return list(found.items())


def test_a_submission_moves_the_request_counter_and_the_outbox_backlog(
    client: TestClient,
) -> None:
    before = scrape(client)

    response = client.post("/api/v1/referrals", json=referral(), headers=SENDER)
    assert response.status_code == 201, response.text
    after = scrape(client)

    assert submissions(after) == submissions(before) + 1
    timed = (
        "sekber_http_request_duration_seconds_count",
        frozenset({"method": "POST", "route": "/api/v1/referrals"}.items()),
    )
    assert after[timed] >= 1
    assert after[("sekber_outbox_up", frozenset())] == 1
    # No relay runs in these tests: the submission's CaseReceived waits in the outbox.
    assert after[("sekber_outbox_backlog", frozenset())] >= 1
    assert after[("sekber_outbox_oldest_unpublished_age_seconds", frozenset())] >= 0


def test_requests_are_labelled_by_route_template_not_by_path(client: TestClient) -> None:
    client.get("/api/v1/cases/00000000-0000-0000-0000-000000000000")
    client.get("/no/such/page")

    labels = {dict(key[1]).get("route") for key in scrape(client)}
    assert "/api/v1/cases/{case_ref}" in labels
    assert "unmatched" in labels
    assert not any(label and "00000000" in label for label in labels)


def test_queue_depths_and_unacknowledged_messages_are_read_from_redis(
    client: TestClient, metrics_settings: Settings, broker: redis.Redis
) -> None:
    app = bus.make_celery(metrics_settings, name="test-metrics-queues")
    for _ in range(3):
        app.send_task(bus.TASK_ROUTING, args=[{}], queue=bus.QUEUE_ROUTING)
    app.send_task(bus.TASK_NOTIFY, args=[{}], queue=bus.QUEUE_NOTIFY)
    queued = scrape(client)

    # A consumer takes one routing message and has not acknowledged it yet.
    with app.connection_for_read() as connection:
        channel = connection.default_channel
        taken = channel.basic_get(bus.QUEUE_ROUTING, no_ack=False)
        assert taken is not None
        reserved = scrape(client)
        channel.basic_ack(taken.delivery_tag)
    acked = scrape(client)

    assert value(queued, "sekber_metrics_source_up", source="broker") == 1
    assert value(queued, "sekber_queue_depth", queue=bus.QUEUE_ROUTING) == 3
    assert value(queued, "sekber_queue_depth", queue=bus.QUEUE_NOTIFY) == 1
    assert value(queued, "sekber_queue_unacked") == 0
    assert value(reserved, "sekber_queue_depth", queue=bus.QUEUE_ROUTING) == 2
    assert value(reserved, "sekber_queue_unacked") == 1
    assert value(acked, "sekber_queue_unacked") == 0
    # The keys carry the broker prefix: an unprefixed queue of the same name is not counted.
    assert broker.llen(f"{metrics_settings.broker_key_prefix}{bus.QUEUE_ROUTING}") == 2


def test_undelivered_notifications_are_counted_by_channel_and_state(
    client: TestClient, uow_factory: UowFactory
) -> None:
    [(_, village), *_] = districts(uow_factory)
    case_id = submit(uow_factory, category="LUT", village=village)
    before = scrape(client)
    states = ["pending", "failed", "dead", "dead", "sent"]
    with uow_factory() as uow:
        for i, state in enumerate(states):
            uow.session.add(
                Notification(
                    dedup_key=f"metrics-{uuid.uuid4()}",
                    event_id=uuid.uuid4(),
                    kind="referral_assigned",
                    case_id=case_id,
                    channel="email" if i % 2 == 0 else "inapp",
                    language="id",
                    subject="Rujukan",
                    body="-",
                    state=state,
                )
            )
        uow.commit()
    after = scrape(client)

    def moved(channel: str, state: str) -> float:
        name = "sekber_notifications_undelivered"
        return value(after, name, channel=channel, state=state) - value(
            before, name, channel=channel, state=state
        )

    assert value(after, "sekber_metrics_source_up", source="database") == 1
    assert moved("email", "pending") == 1
    assert moved("inapp", "failed") == 1
    assert (moved("email", "dead"), moved("inapp", "dead")) == (1, 1)
    # Delivered ones are history, not work waiting: not read at scrape time.
    assert not any(
        labels == frozenset({"channel": "email", "state": "sent"}.items())
        for name, labels in after
        if name == "sekber_notifications_undelivered"
    )


def test_unroutable_tasks_and_open_tasks_past_a_deadline_are_counted(
    client: TestClient, uow_factory: UowFactory
) -> None:
    (served_district, served), (_, unserved), *_ = districts(uow_factory)
    add_coordinator(uow_factory, pillar="TKSK", region=served_district)
    before = scrape(client)

    nobody = submit(uow_factory, category="LUT", village=unserved)
    route(uow_factory, nobody)
    late_ids = []
    for _ in range(3):
        case_id = submit(uow_factory, category="LUT", village=served)
        route(uow_factory, case_id)
        late_ids.append(case_id)
    now = utcnow()
    late, both, closed = (_task(uow_factory, case_id) for case_id in late_ids)
    with uow_factory() as uow:
        past = now - timedelta(minutes=5)
        uow.session.execute(update(Referral).where(Referral.id == late).values(accept_due_at=past))
        uow.session.execute(
            update(Referral)
            .where(Referral.id == both)
            .values(accept_due_at=past, resolve_due_at=past)
        )
        # A closed task is late no more, whatever its due times say.
        uow.session.execute(
            update(Referral)
            .where(Referral.id == closed)
            .values(status="cancelled", accept_due_at=past, resolve_due_at=past)
        )
        uow.commit()
    after = scrape(client)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("sekber_unroutable_tasks", pillar="TKSK") == 1
    assert moved("sekber_open_tasks_past_deadline") == 2
    steps = "sekber_open_task_steps_past_deadline"
    assert moved(steps, step="accept") == 2
    assert moved(steps, step="resolve") == 1
    assert moved(steps, step="first_contact") == 0


def _task(uow_factory: UowFactory, case_id: uuid.UUID) -> uuid.UUID:
    with uow_factory() as uow:
        [(task_id, status)] = uow.session.execute(
            select(Referral.id, Referral.status).where(Referral.case_id == case_id)
        ).all()
    assert status == "requested"
    return task_id


def test_metrics_still_answer_when_the_database_and_redis_cannot_be_read(
    settings: Settings,
) -> None:
    unreachable = f"postgresql+psycopg://sekber@127.0.0.1:{free_port()}/sekber"
    offline_settings = settings.model_copy(
        update={"database_url": unreachable, "redis_url": f"redis://127.0.0.1:{free_port()}/0"}
    )
    with TestClient(create_app(offline_settings)) as offline:
        samples = scrape(offline)

    assert samples[("sekber_outbox_up", frozenset())] == 0
    assert ("sekber_outbox_backlog", frozenset()) not in samples
    assert value(samples, "sekber_metrics_source_up", source="database") == 0
    assert value(samples, "sekber_metrics_source_up", source="broker") == 0
    names = {name for name, _ in samples}
    assert not names & {"sekber_queue_depth", "sekber_queue_unacked", "sekber_unroutable_tasks"}


def test_redis_down_hides_only_the_queue_gauges(
    client: TestClient, metrics_settings: Settings
) -> None:
    no_redis = metrics_settings.model_copy(
        update={"redis_url": f"redis://127.0.0.1:{free_port()}/0"}
    )
    with TestClient(create_app(no_redis)) as partly:
        samples = scrape(partly)

    assert value(samples, "sekber_metrics_source_up", source="broker") == 0
    assert value(samples, "sekber_metrics_source_up", source="database") == 1
    assert ("sekber_open_tasks_past_deadline", frozenset()) in samples
    assert not any(name.startswith("sekber_queue_") for name, _ in samples)
