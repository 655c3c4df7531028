"""Servers a chaos test owns, so it may kill them: Redis with an append-only file, a
PostgreSQL cluster, and an HTTP receiver for the webhook feed."""

from __future__ import annotations

import collections
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import redis
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from sekber_cli.embedded import free_port

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
PG_BIN = Path(os.environ.get("SEKBER_CHAOS_PG_BIN", "/usr/lib/postgresql/15/bin"))


class RedisServer:
    """redis-server on a fixed free port, its data in `data_dir`: AOF on, no eviction.

    `appendfsync` is everysec by default, as in production (docs/reliability.md): a
    SIGKILL may lose the last second of writes, which the outbox sweep must make good.
    """

    def __init__(
        self, data_dir: Path, *, appendfsync: str = "everysec", extra: Sequence[str] = ()
    ) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.appendfsync = appendfsync
        self.extra = tuple(extra)  # more redis-server options, e.g. --replicaof
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 30) -> RedisServer:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        argv = [
            REDIS_SERVER,
            "--bind", "127.0.0.1",
            "--port", str(self.port),
            "--dir", str(self.data_dir),
            "--appendonly", "yes",
            "--appendfsync", self.appendfsync,
            "--maxmemory-policy", "noeviction",
            "--save", "",
            "--logfile", "redis.log",
            *self.extra,
        ]  # fmt: skip
        self.process = subprocess.Popen(
            argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=1)
        deadline = time.monotonic() + timeout
        try:
            while True:
                try:
                    if client.ping():
                        return self
                except redis.exceptions.BusyLoadingError:
                    pass  # replaying the AOF
                except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError):
                    pass
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start:\n{self.log_tail()}")
                time.sleep(0.05)
        finally:
            client.close()

    def kill(self) -> None:
        """SIGKILL: a crash; what the AOF had not yet written to disk is gone."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def stop(self) -> None:
        """SIGTERM: Redis writes the AOF out and exits."""
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

    def log_tail(self) -> str:
        log = self.data_dir / "redis.log"
        return log.read_text(errors="replace")[-2000:] if log.exists() else ""


def _as_postgres(*argv: str) -> list[str]:
    """Run a PostgreSQL binary as the postgres user when we are root (initdb refuses root)."""
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else list(argv)


class PgCluster:
    """A throwaway PostgreSQL cluster (initdb) on a free port, trust auth, fsync on.

    It lives in a directory of its own under the system's temp dir (pytest's are private
    to root, and the server runs as postgres), removed by stop().
    """

    def __init__(self) -> None:
        self.base_dir = Path(tempfile.mkdtemp(prefix="sekber-chaos-pg-"))
        self.data_dir = self.base_dir / "pgdata"
        self.port = free_port()

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def init(self) -> PgCluster:
        if os.geteuid() == 0:
            shutil.chown(self.base_dir, "postgres", "postgres")
        subprocess.run(
            _as_postgres(
                str(PG_BIN / "initdb"), "-D", str(self.data_dir), "-U", "postgres",
                "--auth=trust", "--encoding=UTF8", "--no-instructions",
            ),
            check=True, capture_output=True,
        )  # fmt: skip
        conf = self.data_dir / "postgresql.conf"
        with conf.open("a") as f:
            f.write(
                f"port = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.base_dir}'\nmax_connections = 200\n"
            )
        return self

    def create_database(self, name: str) -> str:
        """CREATE DATABASE over a connection closed at once; the new database's URL."""
        admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        return self.admin_url.rsplit("/", 1)[0] + f"/{name}"

    def ctl(self, *args: str) -> None:
        subprocess.run(
            _as_postgres(
                str(PG_BIN / "pg_ctl"), "-D", str(self.data_dir), "-l",
                str(self.base_dir / "postgres.log"), "-w", "-t", "60", *args,
            ),
            check=True, capture_output=True,
        )  # fmt: skip

    def start(self) -> None:
        self.ctl("start")

    def restart(self) -> None:
        """A fast restart: open connections are cut, running transactions roll back."""
        self.ctl("restart", "-m", "fast")

    def stop(self) -> None:
        try:
            self.ctl("stop", "-m", "immediate")
        finally:
            shutil.rmtree(self.base_dir, ignore_errors=True)


class WebhookReceiver:
    """Counts the webhook feed's deliveries by their `webhook-id` (the notification id)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.ids: collections.Counter[str] = collections.Counter()
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                with receiver._lock:
                    receiver.ids[self.headers.get("webhook-id", "")] += 1
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass  # thousands of deliveries: keep the test output readable

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sekber-feed"

    def counts(self) -> collections.Counter[str]:
        with self._lock:
            return collections.Counter(self.ids)

    def __enter__(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
