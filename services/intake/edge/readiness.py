"""Readiness: can this intake serve requests? Database, Redis and schema, checked on demand."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import redis
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from shared import migrate
from shared.db import UowFactory
from shared.redisconn import clients as redisconn

log = logging.getLogger(__name__)

REDIS_TIMEOUT_SECONDS = 1.0
OK = "ok"


@dataclass
class Readiness:
    """What the checks need, and the one answer worth keeping: a schema at head stays there
    for the life of the process (migrations run before a deployment starts its services)."""

    uow_factory: UowFactory
    database_url: str
    redis_url: str
    schema_at_head: bool = False


def check(state: Readiness) -> dict[str, str]:
    """Each dependency's result: "ok", or why it failed (the error's type, never its text,
    which may carry a host name or a credential)."""
    checks = {"database": OK, "migrations": OK, "redis": _redis(state.redis_url)}
    try:
        with state.uow_factory() as uow:
            uow.session.execute(text("SELECT 1"))
            engine = uow.session.get_bind()
        # Outside the unit of work: on SQLite its transaction holds the write lock.
        if not state.schema_at_head:
            assert isinstance(engine, Engine)
            state.schema_at_head = migrate.is_at_head(engine, state.database_url)
        if not state.schema_at_head:
            checks["migrations"] = "not at head"
    except (SQLAlchemyError, OSError) as exc:
        checks["database"] = f"failed: {type(exc).__name__}"
        checks["migrations"] = "unknown"
    failed = sorted(name for name, result in checks.items() if result != OK)
    if failed:
        log.warning("not ready: %s", ", ".join(f"{n} {checks[n]}" for n in failed))
    return checks


def _redis(url: str) -> str:
    client = redisconn.client(
        url, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
    )
    try:
        client.ping()
    except (redis.RedisError, OSError) as exc:
        return f"failed: {type(exc).__name__}"
    finally:
        client.close()
    return OK
