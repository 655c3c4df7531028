"""Real servers for the tests, chosen in this order: URLs given by the environment
(SEKBER_TEST_DATABASE_URL, SEKBER_TEST_REDIS_URL); testcontainers when a Docker engine
answers; embedded servers otherwise (SQLite file, embedded Valkey).

Each pytest process (the run, or each pytest-xdist worker) gets its own: a fresh
PostgreSQL database or SQLite file, and its own embedded Valkey or container (on a Redis
the environment names, the workers share it and keep apart by key prefix)."""

from __future__ import annotations

import contextlib
import functools
import os
import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from sekber_cli.embedded import EmbeddedRedis

DATABASE_VARIABLE = "SEKBER_TEST_DATABASE_URL"
REDIS_VARIABLE = "SEKBER_TEST_REDIS_URL"


@functools.cache
def docker_available() -> bool:
    if not shutil.which("docker"):
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@dataclass(frozen=True)
class Source:
    """Which server a run uses and where it came from, before anything starts."""

    kind: str  # "postgresql", "sqlite", "redis", "valkey"
    origin: str  # "environment", "container", "embedded"
    url: str = ""  # as the environment gave it (password hidden); empty otherwise

    def describe(self, *, per: str) -> str:
        if self.origin == "environment":
            variable = DATABASE_VARIABLE if self.kind == "postgresql" else REDIS_VARIABLE
            apart = "a fresh database" if self.kind == "postgresql" else "a key prefix"
            return f"{self.url} (from the environment, {variable}), {apart} per {per}"
        if self.origin == "container":
            image = "postgres:16-alpine" if self.kind == "postgresql" else "redis:7-alpine"
            return f"{image} in a container, one per {per}"
        if self.kind == "sqlite":
            why = f"{DATABASE_VARIABLE}={self.url}" if self.url else "no Docker engine"
            return f"SQLite, embedded ({why}), a file per {per}"
        why = f"{REDIS_VARIABLE} empty" if REDIS_VARIABLE in os.environ else "no Docker engine"
        return f"Valkey, embedded ({why}), a server per {per}"


def database_source() -> Source:
    given = os.environ.get(DATABASE_VARIABLE, "")
    if given.startswith("postgresql"):
        shown = make_url(given).render_as_string(hide_password=True)
        return Source("postgresql", "environment", shown)
    if given.startswith("sqlite"):
        return Source("sqlite", "embedded", given)
    if docker_available():
        return Source("postgresql", "container")
    return Source("sqlite", "embedded")


def redis_source() -> Source:
    given = os.environ.get(REDIS_VARIABLE, "")
    if given:
        return Source("redis", "environment", re.sub(r"//[^@/]*@", "//***@", given))
    if docker_available():
        return Source("redis", "container")
    return Source("valkey", "embedded")


def describe(*, workers: int) -> str:
    """One line for the top of the run: the database and the Redis, and where each came from."""
    on, per = (f"{workers} workers", "worker") if workers else ("one process", "run")
    return (
        f"sekber tests on {on}: database: {database_source().describe(per=per)}; "
        f"Redis: {redis_source().describe(per=per)}"
    )


def worker_id() -> str:
    """pytest-xdist's name for this process (gw0, gw1, ...); "main" without workers."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@contextlib.contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    """A fresh database on the given server, dropped afterwards."""
    name = f"sekber_test_{worker_id()}_{uuid.uuid4().hex[:10]}"
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
def database_url(tmp: Path, *, name: str = "sekber-test") -> Iterator[str]:
    """A database of this process's own: a fresh one on PostgreSQL, or the SQLite file
    `name`.db under `tmp` (a directory of this process's own)."""
    source = database_source()
    if source.origin == "environment":
        with postgres_database(os.environ[DATABASE_VARIABLE]) as url:
            yield url
    elif source.kind == "sqlite":
        yield f"sqlite:///{tmp / f'{name}.db'}"
    else:
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer("postgres:16-alpine", driver="psycopg") as pg:
            yield pg.get_connection_url()


@contextlib.contextmanager
def redis_url(tmp: Path) -> Iterator[str]:
    source = redis_source()
    if source.origin == "environment":
        yield os.environ[REDIS_VARIABLE]
    elif source.origin == "container":
        from testcontainers.redis import RedisContainer

        with RedisContainer("redis:7-alpine") as r:
            yield f"redis://{r.get_container_host_ip()}:{r.get_exposed_port(6379)}/0"
    else:
        with EmbeddedRedis(data_dir=tmp / "redis") as server:
            yield server.url
