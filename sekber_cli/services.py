"""Run one Sekber service in the foreground: intake, routing, notify, relay or scheduler.
Each command imports its service when it runs, not here (`sekber --help` stays fast)."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import tempfile
import threading
from typing import TYPE_CHECKING

import typer

from sekber_cli import logs

if TYPE_CHECKING:
    from shared.config import Settings


def intake() -> None:
    """The HTTP API (FastAPI under uvicorn)."""
    import uvicorn

    from shared.config import get_settings

    settings = get_settings()
    logs.configure(settings.log_level, name="intake", fmt=settings.effective_log_format)
    uvicorn.run(
        "services.intake.app:create_app",
        factory=True,
        host=settings.http_host,
        port=settings.http_port,
        log_level=settings.log_level.lower(),
        # Keep the handler set up above: uvicorn's lines then carry the format and the
        # correlation id too.
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=10,
        # The app reads forwarded headers itself, from SEKBER_TRUSTED_PROXIES only
        # (services/intake/access/client_address.py); uvicorn's own would trust 127.0.0.1.
        proxy_headers=False,
    )


def routing() -> None:
    """The routing worker (Celery, queue sekber.routing)."""
    from shared.config import get_settings

    settings = get_settings()
    logs.configure(settings.log_level, name="routing", fmt=settings.effective_log_format)
    with contextlib.ExitStack() as stack:
        if settings.metrics_port:
            # Prefork children count into files here, summed by the parent when scraped.
            # prometheus_client reads the variable once, on first import: so before that,
            # and a fresh directory, since files of an earlier run would be summed too.
            os.environ["PROMETHEUS_MULTIPROC_DIR"] = stack.enter_context(
                tempfile.TemporaryDirectory(prefix="sekber-routing-metrics-")
            )
        from services.routing import worker

        sys.exit(worker.run(settings))


def notify() -> None:
    """The notify worker (Celery, queue sekber.notify)."""
    from services.notify import worker
    from shared.config import get_settings

    settings = get_settings()
    _check_channel_urls(settings)
    logs.configure(settings.log_level, name="notify", fmt=settings.effective_log_format)
    sys.exit(worker.run(settings))


def _check_channel_urls(settings: Settings) -> None:
    """Refuse, one line each, the channel URLs notify may not send to in this environment
    (plain http or an internal address outside development and test: urlguard)."""
    from services.notify.channels import urlguard
    from shared.config import SettingsError

    urls = {
        "SEKBER_WEBHOOK_URL": settings.webhook_url,
        "SEKBER_GATEWAY_URL": settings.gateway_url,
        "SEKBER_TELEGRAM_API_BASE": settings.telegram_api_base
        if settings.telegram_bot_token
        else "",
    }
    problems = []
    for variable, url in urls.items():
        try:
            if url:
                urlguard.check_config(url, environment=settings.environment)
        except urlguard.UnsafeUrl as exc:  # its text leaves out the path, which may hold a token
            problems.append(f"{variable}: {exc}")
    if problems:
        raise SettingsError(problems)


def relay() -> None:
    """The outbox relay and reconciliation sweep."""
    from datetime import timedelta

    from shared import bus
    from shared.config import get_settings
    from shared.db import uow_factory_for
    from shared.outbox import relay as outbox
    from shared.rollups.rebuild import fold_rollups
    from shared.runtime import heartbeat
    from shared.runtime import metrics as worker_metrics

    settings = get_settings()
    logs.configure(settings.log_level, name="relay", fmt=settings.effective_log_format)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    app = bus.make_celery(settings, name="sekber-relay")
    metrics = None
    if settings.metrics_port:
        metrics = worker_metrics.for_process()
        worker_metrics.serve(metrics, host=settings.metrics_host, port=settings.metrics_port)
    beat = heartbeat.for_service(settings, "relay")
    wakeup = outbox.Wakeup(settings.database_url, stop=stop)
    uow_factory = uow_factory_for(settings.database_url)

    def fold() -> None:
        with uow_factory() as uow:
            fold_rollups(uow.session)
            uow.commit()

    outbox.run_relay(
        uow_factory=uow_factory,
        app=app,
        stop=stop,
        poll_seconds=settings.relay_poll_seconds,
        batch_size=settings.relay_batch_size,
        per_message=settings.relay_events_per_message,
        hold_at=settings.relay_hold_at,
        replication=bus.replication(settings),
        chores=[outbox.Chore("fold the dashboard's rollups", settings.rollup_fold_seconds, fold)],
        reconcile_every=settings.reconcile_every_seconds,
        reconcile_after=timedelta(seconds=settings.reconcile_after_seconds),
        metrics=metrics,
        heartbeat=None if beat is None else beat.beat,
        wakeup=wakeup,
    )
    wakeup.close()
    if beat is not None:
        beat.remove()


def imports() -> None:
    """The import worker (Celery, queue sekber.imports).

    It stores the rows of uploaded spreadsheets as cases."""
    from services.intake.imports import worker
    from shared.config import get_settings
    from shared.identity import keyring

    settings = get_settings()
    logs.configure(settings.log_level, name="imports", fmt=settings.effective_log_format)
    if settings.data_key:
        keyring.configure(settings.data_key)
    sys.exit(worker.run(settings))


def scheduler() -> None:
    """The deadline scheduler (Celery beat).

    It sends the periodic deadline scan to the routing worker."""
    from services.routing import scheduler as routing_scheduler
    from shared.config import get_settings

    settings = get_settings()
    logs.configure(settings.log_level, name="scheduler", fmt=settings.effective_log_format)
    routing_scheduler.run(settings)


def register(app: typer.Typer) -> None:
    for command in (intake, routing, notify, imports, relay, scheduler):
        app.command()(command)
