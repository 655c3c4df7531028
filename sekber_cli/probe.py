"""`sekber probe SERVICE`: the liveness probe of routing, notify, relay and scheduler.

Passes (exit 0) while the service's heartbeat file is fresher than
SEKBER_HEARTBEAT_MAX_AGE_SECONDS; fails (exit 1) when it is missing or older; exits 2 when
heartbeats are off (SEKBER_HEARTBEAT_DIR empty). What each heartbeat proves, and why a
file rather than `celery inspect ping`: shared/runtime/heartbeat.py.

For probes that run every few seconds, `python -m sekber_cli.probe SERVICE` does the
same without loading the whole `sekber` command (a third of the start-up time).
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import TYPE_CHECKING

from shared import config_errors
from shared.config import Settings, load_settings
from shared.runtime import heartbeat

if TYPE_CHECKING:
    import typer

PASS, FAIL, OFF = 0, 1, 2


class Service(StrEnum):
    ROUTING = "routing"
    NOTIFY = "notify"
    RELAY = "relay"
    SCHEDULER = "scheduler"


def check(service: str, settings: Settings) -> tuple[int, str]:
    """The exit code and a one-line reason."""
    if not settings.heartbeat_dir:
        return OFF, "heartbeats are off: set SEKBER_HEARTBEAT_DIR for the service and the probe"
    path = heartbeat.path_for(settings.heartbeat_dir, service)
    age = heartbeat.age_seconds(path)
    limit = settings.heartbeat_max_age_seconds
    if age is None:
        return FAIL, f"{service}: no heartbeat at {path} (not started, or stopped)"
    if age > limit:
        return FAIL, f"{service}: heartbeat {age:.0f}s old, over {limit:.0f}s"
    return PASS, f"{service}: alive (heartbeat {age:.1f}s old)"


def probe(service: Service) -> None:
    """Liveness of a worker, the relay or the scheduler, from its heartbeat file."""
    import typer

    code, message = check(service.value, load_settings())
    typer.echo(message, err=code != PASS)
    raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    app.command()(probe)


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in heartbeat.SERVICES:
        sys.stderr.write(f"usage: python -m sekber_cli.probe {{{','.join(heartbeat.SERVICES)}}}\n")
        return OFF
    try:
        settings = load_settings()
    except config_errors.SettingsError as error:
        return config_errors.report(error)
    code, message = check(argv[0], settings)
    (sys.stdout if code == PASS else sys.stderr).write(message + "\n")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
