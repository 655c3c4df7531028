"""`sekber probe SERVICE`: the liveness probe of routing, notify, imports, relay and scheduler.

Passes (exit 0) while the service's heartbeat file is fresher than
SEKBER_HEARTBEAT_MAX_AGE_SECONDS; fails (exit 1) when it is missing or older; exits 2 when
heartbeats are off (SEKBER_HEARTBEAT_DIR empty, and no var/heartbeats/ here). What each
heartbeat proves, and why a file rather than `celery inspect ping`:
shared/runtime/heartbeat.py.

`sekber up` keeps its services' heartbeats in var/heartbeats/ (UP_DIR) unless
SEKBER_HEARTBEAT_DIR names another folder; run from the same directory, the probe finds
them there without any setting.

For probes that run every few seconds, `python -m sekber_cli.probe SERVICE` does the
same without loading Typer.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer

    from shared.config import Settings

PASS, FAIL, OFF = 0, 1, 2
# Where `sekber up` has its services keep their heartbeats when SEKBER_HEARTBEAT_DIR is
# unset; relative to the directory it runs in, like the rest of var/.
UP_DIR = Path("var") / "heartbeats"


class Service(StrEnum):
    ROUTING = "routing"
    NOTIFY = "notify"
    IMPORTS = "imports"
    RELAY = "relay"
    SCHEDULER = "scheduler"


def check(service: str, settings: Settings) -> tuple[int, str]:
    """The exit code and a one-line reason."""
    from shared.runtime import heartbeat

    directory = folder(settings)
    if directory is None:
        return OFF, (
            "heartbeats are off: set SEKBER_HEARTBEAT_DIR for the service and the probe "
            f"(`sekber up` keeps them in {UP_DIR}/ of the directory it runs in)"
        )
    path = heartbeat.path_for(directory, service)
    age = heartbeat.age_seconds(path)
    limit = settings.heartbeat_max_age_seconds
    if age is None:
        return FAIL, f"{service}: no heartbeat at {path} (not started, or stopped)"
    if age > limit:
        return FAIL, f"{service}: heartbeat {age:.0f}s old, over {limit:.0f}s"
    return PASS, f"{service}: alive (heartbeat {age:.1f}s old)"


def folder(settings: Settings) -> str | None:
    """SEKBER_HEARTBEAT_DIR, else the folder of a `sekber up` run here, else None (off)."""
    if settings.heartbeat_dir:
        return settings.heartbeat_dir
    return str(UP_DIR) if UP_DIR.is_dir() else None


def probe_settings() -> Settings:
    """The settings. The probe signs nothing: without SEKBER_SECRET_KEY (a second terminal
    beside `sekber up`, which keeps its key in var/secret.key) a throwaway key does."""
    import secrets

    from sekber_cli import secret_file
    from shared.config import load_settings

    if secret_file.configured():
        return load_settings()
    return load_settings(secret_key=secrets.token_urlsafe(secret_file.KEY_BYTES))


def probe(service: Service) -> None:
    """Liveness of a worker, the relay or the scheduler.

    From the service's heartbeat file: exit 0 while it is fresh, 1 when it is missing or
    too old, 2 when heartbeats are off. Under `sekber up`, run it in the same directory."""
    import typer

    code, message = check(service.value, probe_settings())
    typer.echo(message, err=code != PASS)
    raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    app.command()(probe)


def main(argv: list[str]) -> int:
    from shared import config_errors
    from shared.runtime import heartbeat

    if len(argv) != 1 or argv[0] not in heartbeat.SERVICES:
        sys.stderr.write(f"usage: python -m sekber_cli.probe {{{','.join(heartbeat.SERVICES)}}}\n")
        return OFF
    try:
        settings = probe_settings()
    except config_errors.SettingsError as error:
        return config_errors.report(error)
    code, message = check(argv[0], settings)
    (sys.stdout if code == PASS else sys.stderr).write(message + "\n")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
