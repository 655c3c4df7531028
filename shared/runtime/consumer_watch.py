"""A worker that is alive but no longer takes messages stops itself, so it is started afresh.

Celery on Redis has a long record of workers that reconnect after a broker outage and then
never consume again (docs/reliability.md lists the reports, the latest against 5.6.3); the
process stays up, answers pings, and its heartbeat goes on. Nothing is lost (messages wait
in Redis, the reconciliation sweep keeps re-publishing) but nothing moves.

The watch, a thread in the worker's main process, notes each message the worker takes
(Celery's task_received signal) and asks Redis how many wait in its queue. Messages that
have waited through several checks, for at least two task time limits, while the worker
took none for `Settings.consumer_stall_after_seconds` (60 s), cannot be explained by busy
pool slots: a task ends within its time limit, so a healthy worker takes a waiting message
within one. The worker then logs why and stops itself with a warm shutdown, exit code 1;
the orchestrator (compose's `restart: unless-stopped`, Kubernetes) starts a new one, and
messages it held go back to the queue as after any stop. While Redis does not answer, the
watch waits: a restart would not bring Redis back.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from shared.config import Settings
from shared.runtime import worker_thread

if TYPE_CHECKING:
    from celery import Celery

log = logging.getLogger(__name__)

# How long the worker's loop gets to begin the shutdown before a SIGTERM does.
STOP_FALLBACK_SECONDS = 30.0
# While the worker reconnects, messages may wait this long before it counts as stalled:
# Celery waits up to 30 s between attempts after a long outage (kombu's interval_max).
RECONNECT_GRACE_SECONDS = 90.0


@dataclass
class ConsumingWatch:
    """When a worker counts as stalled; fed with monotonic times.

    stalled: messages have waited in the queue at every look since `waiting_since`, for at
    least `waiting_for` (RECONNECT_GRACE_SECONDS while the worker is not connected), and
    the worker took none for at least `stall_after`.
    """

    stall_after: float
    waiting_for: float
    last_taken: float
    waiting_since: float | None = None

    def taken(self, now: float) -> None:
        self.last_taken = now

    def look(self, *, now: float, waiting: int | None, connected: bool = True) -> bool:
        """Record one look at the queue (None: Redis did not answer) and whether the worker
        is connected to it; True when stalled."""
        if not waiting:
            self.waiting_since = None
            return False
        if self.waiting_since is None:
            self.waiting_since = now
        patience = self.waiting_for if connected else max(self.waiting_for, RECONNECT_GRACE_SECONDS)
        return now - self.waiting_since >= patience and now - self.last_taken >= self.stall_after


def install(app: Celery, settings: Settings, *, queue: str) -> None:
    """Watch this worker's consuming of `queue`; stop the worker when it stalls."""
    import redis
    from celery import signals

    from shared.redisconn import clients as redisconn

    every = min(5.0, settings.consumer_stall_after_seconds / 6)
    watch = ConsumingWatch(
        stall_after=settings.consumer_stall_after_seconds,
        waiting_for=2.0 * settings.task_time_limit_seconds,
        last_taken=time.monotonic(),
    )
    key = settings.broker_key_prefix + queue

    def on_received(**_: Any) -> None:
        watch.taken(time.monotonic())

    signals.task_received.connect(on_received, weak=False)

    def watch_consuming(stopping: threading.Event, worker: Any) -> None:
        watch.taken(time.monotonic())  # the clock starts when the worker does
        client = redisconn.client(settings.redis_url, socket_timeout=2, socket_connect_timeout=2)
        try:
            while not stopping.wait(every):
                try:
                    waiting: int | None = int(client.llen(key))
                except redis.RedisError:
                    waiting = None
                if watch.look(now=time.monotonic(), waiting=waiting, connected=connected(worker)):
                    log.error(
                        "%d messages wait in %s and this worker took none for %.0f s: "
                        "it no longer consumes; stopping it so that a fresh one starts",
                        waiting or 0,
                        queue,
                        time.monotonic() - watch.last_taken,
                    )
                    stop_worker(stopping)
                    return
        finally:
            client.close()

    worker_thread.run_beside_worker(app, "consumer-watch", watch_consuming)


def connected(worker: Any) -> bool:
    """The worker's consumer has a broker connection (None while it reconnects)."""
    return getattr(getattr(worker, "consumer", None), "connection", None) is not None


def stop_worker(stopping: threading.Event) -> None:
    """A warm shutdown with exit code 1, begun by the worker's own loop; a SIGTERM (exit
    code 0) if that loop has not begun it within STOP_FALLBACK_SECONDS."""
    from celery.platforms import EX_FAILURE
    from celery.worker import state as worker_state

    worker_state.should_stop = EX_FAILURE
    if not stopping.wait(STOP_FALLBACK_SECONDS):
        os.kill(os.getpid(), signal.SIGTERM)
