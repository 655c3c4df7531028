"""The first start compiles each module once, not once per service.

On a new installation no module has its bytecode cached yet (uv, unlike pip, does not
compile at install time), and the five services `sekber up` starts at once would each
compile the same modules (Celery, kombu, FastAPI, pydantic, SQLAlchemy, ...) side by side.
`up` starts one process that imports what the services import while it prepares the
database on the other core, and waits for it before starting them; Python caches what that
process compiled. Nothing to do when the cache is there already, or when Python is told to
write none (PYTHONDONTWRITEBYTECODE, -B).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

# What the services import between them (sekber_cli.services).
MODULES = (
    "celery.apps.worker",
    "celery.apps.beat",
    "uvicorn.main",
    "services.intake.app",
    "services.routing.worker",
    "services.routing.scheduler",
    "services.notify.worker",
    "shared.outbox.relay",
)
# A module the services import whose cached bytecode tells that this was done before.
SENTINEL = "celery.apps.worker"


def needed() -> bool:
    if sys.dont_write_bytecode:
        return False
    spec = importlib.util.find_spec(SENTINEL)
    if spec is None or spec.origin is None:
        return False
    return not os.path.exists(importlib.util.cache_from_source(spec.origin))


def start() -> subprocess.Popen[bytes] | None:
    """The warm-up process, or None when there is nothing to warm."""
    if not needed():
        return None
    return subprocess.Popen(
        [sys.executable, "-c", "import " + ", ".join(MODULES)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def finish(process: subprocess.Popen[bytes] | None, timeout: float = 120.0) -> None:
    """Wait for the warm-up; a failure there only means the services compile for
    themselves, as they would without it."""
    if process is None:
        return
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
