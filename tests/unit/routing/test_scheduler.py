"""The scheduler's one periodic entry, and the routing worker that runs it."""

from __future__ import annotations

from pathlib import Path

from services.routing import handlers, scheduler, tasks
from shared import bus
from shared.config import Settings
from shared.db import uow_factory_for


def test_the_scheduler_sends_one_scan_per_period_to_the_routing_queue() -> None:
    settings = Settings(deadline_scan_seconds=45)
    entry = bus.beat_schedule(settings)["scan-deadlines"]
    assert entry == {
        "task": "sekber.routing.scan_deadlines",
        "schedule": 45,
        # A scan left waiting longer than a period is dropped: the next one does its work.
        "options": {"queue": bus.QUEUE_ROUTING, "expires": 45},
    }


def test_the_routing_worker_runs_the_scan() -> None:
    settings = Settings()
    app = bus.make_celery(settings, name="test-routing")
    tasks.register(
        app,
        uow_factory=uow_factory_for("sqlite://"),
        routing=handlers.Routing(),
        limits=bus.task_limits(settings),
    )
    assert {bus.TASK_ROUTING, bus.TASK_SCAN_DEADLINES} <= set(app.tasks)
    assert app.tasks[bus.TASK_SCAN_DEADLINES].queue == bus.QUEUE_ROUTING


def test_beat_keeps_its_schedule_file_where_it_is_told() -> None:
    argv = scheduler.beat_argv(schedule_file=Path("/tmp/x/beat-schedule"), loglevel="info")
    assert argv == ["beat", "--schedule", "/tmp/x/beat-schedule", "--loglevel", "INFO"]
