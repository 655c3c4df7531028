"""The relay's wake-up: on PostgreSQL a commit that staged an event wakes it at once, a
rolled-back one does not; elsewhere it waits the poll interval."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from typing import ClassVar

import pytest
from sqlalchemy import delete

from shared.db import UowFactory
from shared.events import Event
from shared.models import OutboxEvent
from shared.outbox import relay as outbox
from shared.outbox.store import add_event


class WakeupProbe(Event):
    """An event no consumer subscribes to (the relay would publish it to no queue)."""

    type: ClassVar[str] = "TestWakeupProbe"


@pytest.fixture
def wakeup(database_url: str) -> Iterator[outbox.Wakeup]:
    waiting = outbox.Wakeup(database_url, stop=threading.Event())
    waiting.wait(0)  # starts listening (on PostgreSQL) and returns at once
    yield waiting
    waiting.close()


def stage_probe(uow_factory: UowFactory, *, commit: bool) -> uuid.UUID:
    with uow_factory() as uow:
        envelope = add_event(uow.session, WakeupProbe(), correlation_id="wakeup-test")
        uow.session.flush()
        if commit:
            uow.commit()
    return envelope.id


def timed_wait(wakeup: outbox.Wakeup, seconds: float) -> float:
    wakeup.wait(0)  # forget wake-ups of earlier tests
    started = time.monotonic()
    wakeup.wait(seconds)
    return time.monotonic() - started


def test_a_committed_event_wakes_the_relay_before_its_poll_interval(
    uow_factory: UowFactory, wakeup: outbox.Wakeup, is_postgres: bool
) -> None:
    if not is_postgres:
        pytest.skip("the wake-up is PostgreSQL's NOTIFY; SQLite keeps the poll")
    assert wakeup.listening
    staged: list[uuid.UUID] = []
    later = threading.Timer(0.3, lambda: staged.append(stage_probe(uow_factory, commit=True)))
    later.start()
    try:
        took = timed_wait(wakeup, 10.0)
    finally:
        later.join()
        with uow_factory() as uow:  # the probe is not for the relays of other tests
            uow.session.execute(delete(OutboxEvent).where(OutboxEvent.event_id.in_(staged)))
            uow.commit()
    assert 0.25 <= took < 5.0


def test_a_rolled_back_event_does_not_wake_the_relay(
    uow_factory: UowFactory, wakeup: outbox.Wakeup
) -> None:
    stage_probe(uow_factory, commit=False)
    assert timed_wait(wakeup, 0.6) >= 0.55


def test_without_postgresql_the_relay_waits_its_poll_interval_or_a_stop() -> None:
    stop = threading.Event()
    waiting = outbox.Wakeup("sqlite://", stop=stop)
    started = time.monotonic()
    waiting.wait(0.3)
    assert not waiting.listening
    assert time.monotonic() - started >= 0.25
    stop.set()
    started = time.monotonic()
    waiting.wait(5.0)
    assert time.monotonic() - started < 1.0
