"""When a worker counts as no longer consuming (shared/runtime/consumer_watch.py), and the setting
that bounds it."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from shared.config import Settings
from shared.runtime.consumer_watch import ConsumingWatch


def watch(*, last_taken: float = 0.0) -> ConsumingWatch:
    return ConsumingWatch(stall_after=60.0, waiting_for=20.0, last_taken=last_taken)


def test_messages_waiting_while_none_is_taken_make_a_stall_once_both_bounds_pass() -> None:
    w = watch()
    assert not w.look(now=50.0, waiting=3)  # waiting from 50 s on
    assert not w.look(now=60.0, waiting=3)  # 60 s without a take, but waiting only 10 s
    assert not w.look(now=69.0, waiting=3)
    assert w.look(now=70.0, waiting=3)


def test_a_queue_that_fills_after_a_long_quiet_needs_its_own_waiting_time() -> None:
    w = watch()
    assert not w.look(now=3600.0, waiting=1)  # nothing taken for an hour: nothing waited
    assert not w.look(now=3619.0, waiting=1)
    assert w.look(now=3620.0, waiting=1)


def test_an_empty_look_starts_the_waiting_again() -> None:
    w = watch()
    assert not w.look(now=100.0, waiting=2)
    assert not w.look(now=115.0, waiting=0)  # drained (by this worker's peers, say)
    assert not w.look(now=120.0, waiting=2)
    assert not w.look(now=135.0, waiting=2)
    assert w.look(now=140.0, waiting=2)


def test_redis_not_answering_is_not_a_stall() -> None:
    w = watch()
    assert not w.look(now=100.0, waiting=5)
    assert not w.look(now=130.0, waiting=None)  # a restart would not bring Redis back
    assert not w.look(now=135.0, waiting=5)


def test_a_worker_reconnecting_gets_the_time_celery_waits_between_attempts() -> None:
    w = watch()
    assert not w.look(now=100.0, waiting=5, connected=False)  # Redis is back, the worker
    assert not w.look(now=180.0, waiting=5, connected=False)  # waits out its back-off
    assert w.look(now=190.0, waiting=5, connected=False)  # 90 s: it will not come back
    w = watch()
    assert not w.look(now=100.0, waiting=5, connected=False)
    assert w.look(now=120.0, waiting=5, connected=True)  # connected, and still takes none


def test_a_message_taken_keeps_a_busy_queue_healthy() -> None:
    w = watch()
    for now in range(0, 600, 5):
        w.taken(float(now))
        assert not w.look(now=float(now) + 1, waiting=500)


def test_the_stall_bound_must_leave_room_for_a_busy_pool() -> None:
    assert Settings().consumer_stall_after_seconds == 60
    # Unset, it grows with a longer time limit instead of refusing it.
    long = Settings(visibility_timeout_seconds=600, task_time_limit_seconds=300)
    assert long.consumer_stall_after_seconds == 600
    chosen = Settings(task_time_limit_seconds=10, consumer_stall_seconds=20)
    assert chosen.consumer_stall_after_seconds == 20
    with pytest.raises(ValidationError, match="SEKBER_CONSUMER_STALL_SECONDS"):
        Settings(task_time_limit_seconds=10, consumer_stall_seconds=19)
