"""The broker timings: a message a dead worker held comes back within 15 s by default, and
no setting lets a task (with its retry countdown or its sends) hold a message past the
visibility timeout, where Redis would hand it to a second worker."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.notify import tasks as notify_tasks
from services.notify import worker as notify_worker
from services.routing import handlers
from services.routing import tasks as routing_tasks
from shared import bus
from shared.config import Settings
from shared.db import uow_factory_for

CHANNEL_TIMEOUTS = (
    "smtp_timeout_seconds",
    "webhook_timeout_seconds",
    "gateway_timeout_seconds",
    "telegram_timeout_seconds",
)


def test_a_dead_workers_message_comes_back_within_15_s_by_default() -> None:
    settings = Settings()
    # Back this long after it was taken (so at most this long after the kill), at the next
    # restore sweep; a routing task then takes well under a second.
    back_after = settings.visibility_timeout_seconds + settings.unacked_restore_interval_seconds
    assert back_after <= 13


def test_the_default_settings_bound_every_task_inside_the_visibility_timeout() -> None:
    s = Settings()
    vt, limit, soft = (
        s.visibility_timeout_seconds,
        s.task_time_limit_seconds,
        s.task_soft_time_limit_seconds,
    )
    assert (vt, limit, soft, s.unacked_restore_interval_seconds) == (12, 10, 8, 1.0)
    assert soft < limit < vt
    assert s.task_retry_backoff_max_seconds + limit < vt
    longest_send = max(s.channel_timeouts.values())
    assert longest_send < soft
    assert s.notify_periodic_budget_seconds > 0
    assert s.notify_periodic_budget_seconds + longest_send <= soft
    assert 0 < s.deadline_scan_budget_seconds < soft
    assert s.notify_lease_seconds > longest_send
    assert bus.task_limits(s) == bus.TaskLimits()


@pytest.mark.parametrize(("vt", "limit"), [(12, 10), (10, 8), (11, 10), (60, 30), (600, 300)])
def test_a_retry_countdown_and_the_run_after_it_end_inside_the_visibility_timeout(
    vt: int, limit: int
) -> None:
    settings = Settings(
        environment="test",
        database_url="sqlite://",
        visibility_timeout_seconds=vt,
        task_time_limit_seconds=limit,
    )
    limits = bus.task_limits(settings)
    routing_app = bus.make_celery(settings, name="test-routing")
    routing_tasks.register(
        routing_app,
        uow_factory=uow_factory_for("sqlite://"),
        routing=handlers.Routing(),
        limits=limits,
    )
    notify_app = bus.make_celery(settings, name="test-notify")
    notify_tasks.register(notify_app, notify=notify_worker.build(settings))

    for app, name in ((routing_app, bus.TASK_ROUTING), (notify_app, bus.TASK_NOTIFY)):
        task = app.tasks[name]
        assert task.retry_backoff_max + limit < vt, name
        assert task.retry_backoff_max >= 0


def test_the_celery_app_carries_the_timings() -> None:
    app = bus.make_celery(Settings(), name="test-timings")
    assert app.conf.broker_transport_options["visibility_timeout"] == 12
    assert app.conf.broker_transport_options["unacked_restore_interval"] == 1.0
    assert app.conf.visibility_timeout == 12
    assert (app.conf.task_time_limit, app.conf.task_soft_time_limit) == (10, 8)


def refusal(**settings: object) -> str:
    with pytest.raises(ValidationError) as caught:
        Settings(environment="test", **settings)  # type: ignore[arg-type]
    return str(caught.value)


@pytest.mark.parametrize(("vt", "limit"), [(12, 12), (10, 15), (5, 8)])
def test_a_time_limit_not_below_the_visibility_timeout_is_refused(vt: int, limit: int) -> None:
    message = refusal(visibility_timeout_seconds=vt, task_time_limit_seconds=limit)
    assert "SEKBER_TASK_TIME_LIMIT_SECONDS" in message
    assert "SEKBER_VISIBILITY_TIMEOUT_SECONDS" in message


@pytest.mark.parametrize("name", CHANNEL_TIMEOUTS)
def test_a_channel_timeout_not_below_the_soft_time_limit_is_refused(name: str) -> None:
    message = refusal(**{name: 8.0})  # the default soft limit: 10 - 2 s
    assert f"SEKBER_{name.upper()} (8)" in message
    assert "soft time limit" in message
    # A longer time limit (and visibility timeout) makes room for the same timeout.
    Settings(
        environment="test",
        visibility_timeout_seconds=20,
        task_time_limit_seconds=15,
        **{name: 8.0},  # type: ignore[arg-type]
    )


def test_a_lease_shorter_than_a_send_is_refused() -> None:
    message = refusal(notify_lease_seconds=4, smtp_timeout_seconds=5)
    assert "SEKBER_NOTIFY_LEASE_SECONDS" in message
    assert "SEKBER_SMTP_TIMEOUT_SECONDS" in message


def test_a_time_limit_that_leaves_no_soft_limit_is_refused() -> None:
    assert "task_time_limit_seconds" in refusal(
        visibility_timeout_seconds=5, task_time_limit_seconds=2
    )


def test_the_environment_is_checked_the_same_way(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEKBER_VISIBILITY_TIMEOUT_SECONDS", "9")
    with pytest.raises(ValidationError, match="SEKBER_TASK_TIME_LIMIT_SECONDS"):
        Settings()
    monkeypatch.setenv("SEKBER_TASK_TIME_LIMIT_SECONDS", "7")
    with pytest.raises(ValidationError, match="SEKBER_SMTP_TIMEOUT_SECONDS"):
        Settings()  # 5 s sends and a soft limit of 5 s
    monkeypatch.setenv("SEKBER_TASK_TIME_LIMIT_SECONDS", "8")
    settings = Settings()
    assert settings.task_soft_time_limit_seconds == 6
    assert settings.task_retry_backoff_max_seconds == 0  # no room left: retries at once
    assert settings.notify_periodic_budget_seconds == 1.0
