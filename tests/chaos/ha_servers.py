"""Servers in pairs, as a province runs them for high availability: a Redis primary and
replica watched by three sentinels, and a PostgreSQL primary with a streaming replica.
Each lives on free ports and in directories of its own, so a test may kill its primary."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import redis
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from sekber_cli.embedded import free_port
from tests.chaos.servers import PG_BIN, REDIS_SERVER, PgCluster, RedisServer, _as_postgres

SERVICE = "sekber"
SENTINELS = 3
QUORUM = 2
# Sentinel calls the primary down after this much silence; a failover that stalls is tried
# again after the failover timeout.
DOWN_AFTER_MS = 1000
FAILOVER_TIMEOUT_MS = 5000


class SentinelGroup:
    """A Redis primary (AOF everysec), one replica, three sentinels (quorum 2)."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.primary = RedisServer(base / "primary")
        self.replica = RedisServer(
            base / "replica", extra=("--replicaof", "127.0.0.1", str(self.primary.port))
        )
        self.sentinel_ports = [free_port() for _ in range(SENTINELS)]
        self._sentinels: list[subprocess.Popen[bytes]] = []

    @property
    def url(self) -> str:
        hosts = ",".join(f"127.0.0.1:{port}" for port in self.sentinel_ports)
        return f"redis+sentinel://{hosts}/{SERVICE}/0"

    def start(self, timeout: float = 60) -> SentinelGroup:
        self.primary.start()
        self.replica.start()
        for n, port in enumerate(self.sentinel_ports):
            folder = self.base / f"sentinel-{n}"
            folder.mkdir(parents=True, exist_ok=True)
            conf = folder / "sentinel.conf"  # Sentinel rewrites it: a file of its own
            conf.write_text(
                f"port {port}\nbind 127.0.0.1\ndir {folder}\nlogfile sentinel.log\n"
                f"sentinel monitor {SERVICE} 127.0.0.1 {self.primary.port} {QUORUM}\n"
                f"sentinel down-after-milliseconds {SERVICE} {DOWN_AFTER_MS}\n"
                f"sentinel failover-timeout {SERVICE} {FAILOVER_TIMEOUT_MS}\n"
                f"sentinel parallel-syncs {SERVICE} 1\n"
            )
            self._sentinels.append(
                subprocess.Popen(
                    [REDIS_SERVER, str(conf), "--sentinel"],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,
                )
            )
        self._wait_formed(timeout)
        return self

    def _wait_formed(self, timeout: float) -> None:
        """Until the replica is in sync and every sentinel knows the replica and the other
        sentinels: only then can they agree on a failover."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self._formed():
                    return
            except redis.RedisError:
                pass
            time.sleep(0.2)
        raise RuntimeError("the Sentinel group did not form")

    def _formed(self) -> bool:
        primary = redis.Redis(host="127.0.0.1", port=self.primary.port, socket_timeout=1)
        try:
            info = primary.info("replication")
        finally:
            primary.close()
        if str(info.get("slave0", {}).get("state", "")) != "online":
            return False
        for port in self.sentinel_ports:
            sentinel = redis.Redis(host="127.0.0.1", port=port, socket_timeout=1)
            try:
                replicas = sentinel.execute_command("SENTINEL", "REPLICAS", SERVICE)
                others = sentinel.execute_command("SENTINEL", "SENTINELS", SERVICE)
            finally:
                sentinel.close()
            if len(replicas) < 1 or len(others) < SENTINELS - 1:
                return False
        return True

    def master_port(self) -> int | None:
        """The primary's port as the first sentinel that answers names it."""
        for port in self.sentinel_ports:
            sentinel = redis.Redis(host="127.0.0.1", port=port, socket_timeout=1)
            try:
                _host, master = sentinel.execute_command(
                    "SENTINEL", "GET-MASTER-ADDR-BY-NAME", SERVICE
                )
                return int(master)
            except (redis.RedisError, TypeError, ValueError):
                continue
            finally:
                sentinel.close()
        return None

    def wait_promoted(self, timeout: float = 60) -> float:
        """Seconds until the sentinels name the replica as primary and it takes writes."""
        started = time.monotonic()
        client = redis.Redis(host="127.0.0.1", port=self.replica.port, socket_timeout=1)
        try:
            while time.monotonic() - started < timeout:
                try:
                    promoted = self.master_port() == self.replica.port
                    if promoted and client.info("replication").get("role") == "master":
                        return time.monotonic() - started
                except redis.RedisError:
                    pass
                time.sleep(0.05)
        finally:
            client.close()
        raise RuntimeError("Sentinel did not promote the replica")

    def stop(self) -> None:
        for process in self._sentinels:
            process.terminate()
        for process in self._sentinels:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        self._sentinels = []
        self.replica.stop()
        self.primary.stop()


class StreamingPair:
    """A PostgreSQL primary and a hot standby fed by streaming replication, synchronous:
    the primary acknowledges a commit once the standby has it, so a promotion loses no
    transaction a client was told had committed (docs/operations.md, High availability)."""

    def __init__(self) -> None:
        self.primary = PgCluster().init()
        self.standby = PgCluster()  # its data directory comes from pg_basebackup

    def url(self, database: str) -> str:
        """Both servers, the writable one wanted: psycopg tries them in turn."""
        return (
            f"postgresql+psycopg://postgres@/{database}"
            f"?host=127.0.0.1:{self.primary.port}&host=127.0.0.1:{self.standby.port}"
            "&target_session_attrs=read-write&connect_timeout=3"
        )

    def start(self, database: str) -> str:
        """Start the primary, create `database`, then clone the standby from it and make
        replication synchronous; the URL of both."""
        self.primary.start()
        self.primary.create_database(database)
        if os.geteuid() == 0:  # pg_basebackup runs as postgres, into a folder of its own
            shutil.chown(self.standby.base_dir, "postgres", "postgres")
        subprocess.run(
            _as_postgres(
                str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(self.primary.port),
                "-U", "postgres", "-D", str(self.standby.data_dir), "-R", "-X", "stream",
                "--checkpoint=fast",
            ),
            check=True, capture_output=True,
        )  # fmt: skip
        with (self.standby.data_dir / "postgresql.conf").open("a") as f:  # later lines win
            f.write(
                f"port = {self.standby.port}\nunix_socket_directories = '{self.standby.base_dir}'\n"
            )
        self.standby.start()
        self._admin(self.primary.port, "ALTER SYSTEM SET synchronous_standby_names = '*'")
        self._admin(self.primary.port, "SELECT pg_reload_conf()")
        self._wait_sync()
        return self.url(database)

    def _admin(self, port: int, statement: str) -> list[tuple[object, ...]]:
        engine = create_engine(
            f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres",
            isolation_level="AUTOCOMMIT",
            poolclass=NullPool,
        )
        try:
            with engine.connect() as conn:
                result = conn.execute(text(statement))
                return [tuple(row) for row in result] if result.returns_rows else []
        finally:
            engine.dispose()

    def _wait_sync(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        query = "SELECT sync_state FROM pg_stat_replication"
        while time.monotonic() < deadline:
            if ("sync",) in self._admin(self.primary.port, query):
                return
            time.sleep(0.2)
        raise RuntimeError("the standby did not become synchronous")

    def fail_over(self) -> float:
        """Stop the primary as a crash does, promote the standby; seconds until the
        standby takes writes."""
        self.primary.ctl("stop", "-m", "immediate")
        started = time.monotonic()
        self.standby.ctl("promote")
        while self._admin(self.standby.port, "SELECT pg_is_in_recovery()") != [(False,)]:
            time.sleep(0.05)
        return time.monotonic() - started

    def stop(self) -> None:
        for cluster in (self.standby, self.primary):
            try:
                cluster.stop()
            except subprocess.CalledProcessError:
                shutil.rmtree(cluster.base_dir, ignore_errors=True)
