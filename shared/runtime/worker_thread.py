"""A thread beside a Celery worker: in its main process, from when its pool is up until it
stops. The heartbeat and the consumer watch run so."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from celery import Celery

# What the thread runs: loop(stopping, worker) returns once `stopping` is set (or earlier).
Loop = Callable[[threading.Event, Any], None]
JOIN_SECONDS = 5.0


def run_beside_worker(
    app: Celery, thread: str, loop: Loop, *, after: Callable[[], None] | None = None
) -> None:
    """Run `loop` in a daemon thread named `thread` while the worker runs; when it stops, set
    the loop's event, wait for it (at most JOIN_SECONDS), then call `after`."""
    from celery import bootsteps

    class BesideWorker(bootsteps.StartStopStep):
        # Celery names a step by its class, the same for every thread here: name it apart.
        name = f"sekber.{thread}"
        requires = ("celery.worker.components:Pool",)

        def __init__(self, parent: Any, **kwargs: Any) -> None:
            super().__init__(parent, **kwargs)
            self._stopping = threading.Event()
            self._thread: threading.Thread | None = None

        def start(self, parent: Any) -> None:
            self._thread = threading.Thread(
                target=loop, args=(self._stopping, parent), name=thread, daemon=True
            )
            self._thread.start()

        def stop(self, parent: Any) -> None:
            self._stopping.set()
            if self._thread is not None:
                self._thread.join(timeout=JOIN_SECONDS)
            if after is not None:
                after()

    app.steps["worker"].add(BesideWorker)
