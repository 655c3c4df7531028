"""Real servers for the tests, chosen in this order: URLs given by the environment
(SEKBER_TEST_DATABASE_URL, SEKBER_TEST_REDIS_URL); testcontainers when a Docker engine
answers; embedded servers otherwise (SQLite file, embedded Valkey)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from sekber_cli.embedded import EmbeddedRedis


def docker_available() -> bool:
    if not shutil.which("docker"):
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@contextlib.contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    """A fresh database on the given server, dropped afterwards."""
    name = f"sekber_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextlib.contextmanager
def database_url(tmp: Path) -> Iterator[str]:
    given = os.environ.get("SEKBER_TEST_DATABASE_URL", "")
    if given.startswith("postgresql"):
        with postgres_database(given) as url:
            yield url
    elif given.startswith("sqlite") or not docker_available():
        yield f"sqlite:///{tmp / 'sekber-test.db'}"
    else:
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer("postgres:16-alpine", driver="psycopg") as pg:
            yield pg.get_connection_url()


@contextlib.contextmanager
def redis_url(tmp: Path) -> Iterator[str]:
    given = os.environ.get("SEKBER_TEST_REDIS_URL", "")
    if given:
        yield given
    elif docker_available():
        from testcontainers.redis import RedisContainer

        with RedisContainer("redis:7-alpine") as r:
            yield f"redis://{r.get_container_host_ip()}:{r.get_exposed_port(6379)}/0"
    else:
        with EmbeddedRedis(data_dir=tmp / "redis") as server:
            yield server.url
