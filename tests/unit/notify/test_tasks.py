"""The notify worker's tasks and the scheduler entries that drive the periodic ones."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.notify import tasks, worker
from shared import bus
from shared.config import Settings


def test_the_scheduler_sends_the_sweep_and_the_digest_check_to_the_notify_queue() -> None:
    schedule = bus.beat_schedule(Settings(notify_sweep_seconds=20))
    assert schedule["notify-sweep"] == {
        "task": bus.TASK_NOTIFY_SWEEP,
        "schedule": 20,
        # A sweep left waiting longer than a period is dropped: the next one does its work.
        "options": {"queue": bus.QUEUE_NOTIFY, "expires": 20},
    }
    digests = schedule["notify-digests"]
    assert (digests["task"], digests["options"]["queue"]) == (
        bus.TASK_NOTIFY_DIGESTS,
        bus.QUEUE_NOTIFY,
    )


def test_the_notify_worker_runs_its_three_tasks_with_the_configured_retry_schedule() -> None:
    settings = Settings(
        environment="test",
        database_url="sqlite://",
        notify_fast_attempts=2,
        notify_retry_schedule_seconds=[30, 600],
        notify_lease_seconds=45,
        digest_hour_wib=6,
    )
    notify = worker.build(settings)
    assert (notify.retry.fast_attempts, notify.retry.schedule) == (2, (30, 600))
    assert notify.retry.max_attempts == 4
    assert (notify.lease, notify.digest_hour) == (timedelta(seconds=45), 6)

    app = bus.make_celery(settings, name="test-notify")
    tasks.register(app, notify=notify)
    names = {bus.TASK_NOTIFY, bus.TASK_NOTIFY_SWEEP, bus.TASK_NOTIFY_DIGESTS}
    assert names <= set(app.tasks)
    assert {app.tasks[name].queue for name in names} == {bus.QUEUE_NOTIFY}
    assert app.tasks[bus.TASK_NOTIFY].max_retries == 2


def test_a_retry_schedule_can_be_given_in_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SEKBER_NOTIFY_RETRY_SCHEDULE_SECONDS", "[5, 50, 500]")
    assert Settings().notify_retry_schedule_seconds == [5, 50, 500]
