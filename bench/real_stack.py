"""The processes `sekber up` runs, for real, for a benchmark: a PostgreSQL database of its
own (made on SEKBER_BENCH_DATABASE_URL, an admin URL; default the local postgres at
127.0.0.1:5432, dropped afterwards) with the schema, the regions and the demo directory, a
Redis of its own (/usr/bin/redis-server, AOF on) and an SMTP sink."""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from shared.config import Settings  # noqa: E402
from shared.db import UowFactory, uow_factory_for  # noqa: E402
from shared.migrate import upgrade  # noqa: E402
from shared.reference.catalogue import seed_catalogue  # noqa: E402
from shared.reference.demo import load_demo_directory  # noqa: E402
from shared.reference.regions import load_regions  # noqa: E402
from tests.chaos.servers import RedisServer  # noqa: E402
from tests.e2e.stack import SmtpServer, Stack  # noqa: E402
from tests.support.auth import DATA_KEY, SECRET  # noqa: E402
from tests.support.servers import postgres_database  # noqa: E402

ADMIN_URL = os.environ.get(
    "SEKBER_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def machine() -> dict[str, object]:
    """What a report says of the machine it ran on: cores, Python, the load average now."""
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "load": os.getloadavg()}


# SEKBER_BENCH_ECHO=1: the services' log lines on stderr (to see why a run is slow).
ECHO = os.environ.get("SEKBER_BENCH_ECHO") == "1"


@contextmanager
def real_stack() -> Iterator[tuple[Stack, UowFactory]]:
    """The running stack and a unit-of-work factory on its database."""
    with tempfile.TemporaryDirectory(prefix="sekber-bench-") as tmp:
        redis_server = RedisServer(Path(tmp) / "redis").start()
        try:
            say("preparing a database (schema, regions, demo directory)")
            with postgres_database(ADMIN_URL) as url, SmtpServer() as smtp:
                upgrade(url)
                factory = uow_factory_for(url)
                seed_catalogue(uow_factory=factory)
                load_regions(uow_factory=factory)
                load_demo_directory(uow_factory=factory)
                settings = Settings(
                    environment="test", secret_key=SECRET, data_key=DATA_KEY, database_url=url,
                    redis_url=redis_server.url, visibility_timeout_seconds=60,
                    task_time_limit_seconds=30,
                )  # fmt: skip
                stack = Stack(
                    settings=settings, smtp_port=smtp.port, echo=ECHO,
                    extra_env={"SEKBER_DEADLINE_SCAN_SECONDS": "60"},
                )  # fmt: skip
                try:
                    stack.start()
                    yield stack, factory
                finally:
                    stack.stop()
        finally:
            redis_server.stop()
