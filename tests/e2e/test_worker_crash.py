"""A routing worker killed with SIGKILL in the middle of a task loses nothing and
assigns nothing twice: the message returns from Redis's unacked set to a new worker,
and the consumer's processed-event record keeps the effect single."""

from __future__ import annotations

import contextlib
import signal
import sqlite3
import time
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from shared import bus
from shared.db import UowFactory
from shared.events import Envelope
from shared.models import Notification, OutboxEvent, ProcessedEvent, Referral
from tests.e2e.stack import SmtpServer, Stack, wait_until
from tests.e2e.test_referral_flow import delivered, east_java_villages, referral


@contextlib.contextmanager
def case_locked(database_url: str, case_id: str) -> Iterator[None]:
    """Hold a lock that stops the routing task inside its transaction."""
    if database_url.startswith("sqlite"):
        conn = sqlite3.connect(make_url(database_url).database or "", isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")  # the write lock: routing's BEGIN waits behind it
        try:
            yield
        finally:
            conn.rollback()
            conn.close()
    else:
        url = make_url(database_url).set(drivername="postgresql")
        with psycopg.connect(url.render_as_string(hide_password=False)) as conn:
            conn.execute("SELECT 1 FROM cases WHERE id = %s FOR UPDATE", (uuid.UUID(case_id),))
            yield
            conn.rollback()


def taken(stack: Stack, event_id: str) -> bool:
    """A worker holds the message of this event (kombu's unacked hash)."""
    held = stack.redis.hvals(stack.settings.broker_key_prefix + "unacked")
    return any(event_id.encode() in value for value in held)


def count(uow_factory: UowFactory, model: type, *where: object) -> int:
    with uow_factory() as uow:
        return uow.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def test_a_routing_worker_killed_mid_task_still_assigns_the_case_exactly_once(
    stack: Stack, smtp: SmtpServer, uow_factory: UowFactory, database_url: str
) -> None:
    sup = stack.supervisor
    sup.kill("routing", signal.SIGTERM)
    wait_until(lambda: not sup.alive("routing"), timeout=30, what="routing to stop")

    [village] = east_java_villages(uow_factory, 1)
    case = stack.post_referral(referral("LUT", village))
    case_id = uuid.UUID(case["case_id"])
    wait_until(
        lambda: count(
            uow_factory,
            OutboxEvent,
            OutboxEvent.case_id == case_id,
            OutboxEvent.published_at.is_not(None),
        ),
        timeout=30,
        what="the relay to publish CaseReceived",
    )

    [received] = _envelopes(uow_factory, case_id, "CaseReceived")
    with case_locked(database_url, case["case_id"]):
        sup.start_one("routing")
        # The worker has taken the message (it sits in kombu's unacked hash) and is
        # stuck inside the task behind our lock: kill it there, before the task's time
        # limit does. (Look for this message itself: on SQLite the scheduler's deadline
        # scans wait behind the lock too, so the queue need not be empty.)
        wait_until(
            lambda: taken(stack, str(received["id"])),
            timeout=60,
            what="the routing task to start",
        )
        sup.kill("routing", signal.SIGKILL)
        killed_at = time.monotonic()
        wait_until(lambda: not sup.alive("routing"), timeout=30, what="routing to die")
    assert count(uow_factory, Referral, Referral.case_id == case_id) == 0

    sup.start_one("routing")
    stack.wait_worker_ready("routing")
    wait_until(lambda: delivered(stack, case["case_id"]), timeout=90, what="redelivery")
    # The message comes back one visibility timeout after it was taken, at the next restore
    # sweep (a second); routing and the e-mail then take a moment.
    took = time.monotonic() - killed_at
    settings = stack.settings
    assert (
        took < settings.visibility_timeout_seconds + settings.unacked_restore_interval_seconds + 5
    )

    envelope_ids = [
        Envelope.model_validate(e).id for e in _envelopes(uow_factory, case_id, "CaseReceived")
    ]
    assert count(uow_factory, Referral, Referral.case_id == case_id) == 1
    assert len(_envelopes(uow_factory, case_id, "ReferralAssigned")) == 1
    assert count(uow_factory, ProcessedEvent, ProcessedEvent.event_id.in_(envelope_ids)) == 1
    assert count(uow_factory, Notification, Notification.case_id == case_id) == 2
    assert len(smtp.mailbox.for_tracking_code(case["tracking_code"])) == 1
    print(
        f"killed routing mid-task; case {case['tracking_code']}: 1 referral, 1 e-mail, "
        f"done {took:.1f}s after the kill"
    )


def test_an_event_published_twice_is_routed_and_announced_once(
    stack: Stack, smtp: SmtpServer, uow_factory: UowFactory
) -> None:
    [village] = east_java_villages(uow_factory, 1)
    case = stack.post_referral(referral("GEL", village))
    case_id = uuid.UUID(case["case_id"])
    wait_until(lambda: delivered(stack, case["case_id"]), timeout=60, what="delivery")

    app = bus.make_celery(stack.settings, name="test-duplicates")
    for kind in ("CaseReceived", "ReferralAssigned"):
        [raw] = _envelopes(uow_factory, case_id, kind)
        for _ in range(2):
            bus.publish(app, Envelope.model_validate(raw))
    wait_until(
        lambda: (
            stack.queue_length(bus.QUEUE_ROUTING) == stack.queue_length(bus.QUEUE_NOTIFY) == 0
            and stack.unacked() == 0
        ),
        timeout=30,
        what="the duplicates to be consumed",
    )
    assert count(uow_factory, Referral, Referral.case_id == case_id) == 1
    assert count(uow_factory, Notification, Notification.case_id == case_id) == 2
    assert len(smtp.mailbox.for_tracking_code(case["tracking_code"])) == 1


def _envelopes(uow_factory: UowFactory, case_id: uuid.UUID, kind: str) -> list[dict[str, Any]]:
    with uow_factory() as uow:
        return list(
            uow.session.scalars(
                select(OutboxEvent.envelope).where(
                    OutboxEvent.case_id == case_id, OutboxEvent.event_type == kind
                )
            )
        )
