"""A bare Celery app on Sekber's bus settings, for tests of the broker itself: one task that
holds its message until told to let go, one that leaves a mark. Its worker runs as
`python -m tests.support.broker_app POOL` with the same worker arguments as Sekber's own,
the same heartbeat and the same watch on its consuming.

SEKBER_TEST_BROKER_URL names the Redis; SEKBER_TEST_BROKER_DIR the directory where the
tasks leave their files.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from celery import Celery

from shared import bus
from shared.config import Settings
from shared.runtime import worker_service

HOLD_SECONDS = 30.0
QUEUE = "broker-test"
HOLD = "broker_test.hold"
MARK = "broker_test.mark"


def settings_for(broker_url: str) -> Settings:
    """Sekber's settings (timings from the SEKBER_* environment) on this Redis."""
    return Settings(redis_url=broker_url, broker_key_prefix="")


def make_app(broker_url: str, files: Path) -> Celery:
    # shared=False: the tasks are this app's only (not handed to every Celery app the
    # process finalizes later, which would warn of duplicate task names).
    app = bus.make_celery(settings_for(broker_url), name="broker-test")

    def append(name: str, line: str) -> None:
        with (files / name).open("a") as f:
            f.write(line + "\n")

    @app.task(name=HOLD, shared=False)
    def hold(n: int) -> None:
        """Start, then wait (at most HOLD_SECONDS) until the file `release` exists."""
        append("started", str(n))
        deadline = time.monotonic() + HOLD_SECONDS
        while not (files / "release").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        append("done", str(n))

    @app.task(name=MARK, shared=False)
    def mark(n: int) -> None:
        append("marks", str(n))

    return app


if __name__ == "__main__":
    url = os.environ["SEKBER_TEST_BROKER_URL"]
    worker_app = make_app(url, Path(os.environ["SEKBER_TEST_BROKER_DIR"]))
    # As Sekber's routing worker: its heartbeat (when SEKBER_HEARTBEAT_DIR is set), the
    # watch on its consuming, its exit code.
    code = worker_service.run(
        worker_app,
        settings_for(url),
        service="routing",
        queue=QUEUE,
        pool=sys.argv[1],
        concurrency=2,
    )
    sys.exit(code)
