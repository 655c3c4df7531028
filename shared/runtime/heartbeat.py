"""Liveness heartbeats: each long-running process touches a file while it is doing its job,
and `sekber probe SERVICE` fails when that file is missing or older than a threshold.

Why a file and not `celery inspect ping`: the probe is then a stat() in a short process,
with no broker round trip and no Celery start-up, so it is cheap enough for a compose or
Kubernetes probe every few seconds; it also works for the relay and the scheduler, which
have no control channel; and it can say what a ping cannot. A prefork parent answers
pings while its children are stuck, so a ping passes for a worker that does no work.

What each heartbeat proves:
- routing and notify (a thread in the worker's main process): the process is alive and
  no task has been running longer than its time limit plus a grace. The threads pool
  cannot enforce time limits, so a notify task hung on a socket stops the heartbeat; in
  the prefork pool the parent kills an overrunning child, and if it cannot, the same
  check fails. The heartbeat goes on while Redis is down: restarting a worker does not
  bring Redis back (readiness and the metrics say that).
- relay: its loop went round (it keeps going round, backing off, while Redis or the
  database is down; a loop hung in a call stops it).
- scheduler: Celery beat's loop ticked (beat ticks at least every heartbeat interval).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shared.config import Settings
from shared.runtime import worker_thread

# Celery is imported where it is used: the probe reads a file and should start fast.
if TYPE_CHECKING:
    from celery import Celery
    from celery.beat import PersistentScheduler

log = logging.getLogger(__name__)

SERVICES = ("routing", "notify", "imports", "relay", "scheduler")
# Added to the task time limit before a running task counts as stuck.
STUCK_GRACE_SECONDS = 10.0


def path_for(directory: str, service: str) -> Path:
    return Path(directory) / f"{service}.heartbeat"


def age_seconds(path: Path, *, now: float | None = None) -> float | None:
    """Seconds since the heartbeat was last touched; None when there is none."""
    try:
        touched = path.stat().st_mtime
    except FileNotFoundError:
        return None
    return max(0.0, (time.time() if now is None else now) - touched)


def any_stuck(started: Iterable[float | None], *, now: float, limit: float) -> bool:
    """Whether a task (by its wall-clock start; None: not started yet) ran longer than limit."""
    return any(start is not None and now - start > limit for start in started)


class Heartbeat:
    """Touches one file, at most once per `every` seconds unless forced."""

    def __init__(self, path: Path, *, every: float) -> None:
        self.path = path
        self.every = every
        self._last = float("-inf")

    def beat(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < self.every:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.touch()
        except OSError as exc:  # the probe will fail and say so; the service goes on
            log.warning("heartbeat %s not written: %s", self.path, type(exc).__name__)
            return
        self._last = now

    def remove(self) -> None:
        """On a clean stop: a stale file must not pass the probe after a restart."""
        self.path.unlink(missing_ok=True)


def for_service(settings: Settings, service: str) -> Heartbeat | None:
    """The service's heartbeat, or None when SEKBER_HEARTBEAT_DIR is empty (off)."""
    if not settings.heartbeat_dir:
        return None
    return Heartbeat(
        path_for(settings.heartbeat_dir, service), every=settings.heartbeat_interval_seconds
    )


def install_in_worker(app: Celery, settings: Settings, *, service: str) -> None:
    """Beat from a thread of the worker's main process while no task is stuck."""
    from celery.worker import state as worker_state

    found = for_service(settings, service)
    if found is None:
        return
    heartbeat: Heartbeat = found  # narrowed, for the function below
    stuck_after = settings.task_time_limit_seconds + STUCK_GRACE_SECONDS

    def beat_while_no_task_is_stuck(stopping: threading.Event, _worker: Any) -> None:
        while not stopping.is_set():
            # The requests the pool accepted (kept in the main process for every pool).
            started = [r.time_start for r in tuple(worker_state.active_requests)]
            if any_stuck(started, now=time.time(), limit=stuck_after):
                log.warning("a task has run over %.0fs: heartbeat held back", stuck_after)
            else:
                heartbeat.beat(force=True)
            stopping.wait(heartbeat.every)

    worker_thread.run_beside_worker(
        app, "heartbeat", beat_while_no_task_is_stuck, after=heartbeat.remove
    )


def install_in_beat(app: Celery, settings: Settings) -> None:
    """Beat from Celery beat's own loop, which then ticks at least once per interval."""
    heartbeat = for_service(settings, "scheduler")
    if heartbeat is None:
        return
    app.conf.beat_max_loop_interval = heartbeat.every
    app.conf.beat_scheduler = scheduler_class(heartbeat)


def scheduler_class(heartbeat: Heartbeat) -> type[PersistentScheduler]:
    from celery.beat import PersistentScheduler

    class HeartbeatScheduler(PersistentScheduler):
        def tick(self, *args: Any, **kwargs: Any) -> float:
            heartbeat.beat(force=True)
            interval: float = super().tick(*args, **kwargs)
            return interval

        def close(self) -> None:
            super().close()
            heartbeat.remove()

    return HeartbeatScheduler
