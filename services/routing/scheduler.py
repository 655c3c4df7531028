"""Start the scheduler: Celery beat with one entry, the periodic deadline scan.

Beat only sends the scan; the routing worker runs it. Beat keeps its last-run times in a
schedule file; for a short interval they are not worth keeping, so the file lives in a
temporary directory that goes away with the process (any writable place would do).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from shared import bus
from shared.config import Settings
from shared.runtime import heartbeat


def beat_argv(*, schedule_file: Path, loglevel: str) -> list[str]:
    return ["beat", "--schedule", str(schedule_file), "--loglevel", loglevel.upper()]


def run(settings: Settings) -> None:
    app = bus.make_celery(settings, name="sekber-scheduler")
    app.conf.beat_schedule = bus.beat_schedule(settings)
    heartbeat.install_in_beat(app, settings)
    with tempfile.TemporaryDirectory(prefix="sekber-scheduler-") as state:
        schedule_file = Path(state) / "beat-schedule"
        app.start(beat_argv(schedule_file=schedule_file, loglevel=settings.log_level))
