"""Pooled PostgreSQL connections are tested before use only after sitting idle: a dead
idle connection is replaced unseen; one lost between two uses fails one transaction, and
the pool is renewed for the next."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from shared import db


@pytest.fixture
def engine(database_url: str, is_postgres: bool) -> Iterator[Engine]:
    if not is_postgres:
        pytest.skip("SQLite connections are files: nothing to lose")
    made = db.make_engine(database_url, pool_size=2)
    yield made
    made.dispose()


def backend(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def kill(engine: Engine, pid: int) -> None:
    # From a connection outside the pool under test.
    other = db.make_engine(str(engine.url.render_as_string(hide_password=False)))
    with other.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    other.dispose()


def test_a_dead_idle_connection_is_replaced_before_use(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "IDLE_PING_SECONDS", 0.0)  # every connection counts as idle
    first = backend(engine)
    kill(engine, first)
    assert backend(engine) != first  # no error reached the caller


def test_a_connection_lost_between_two_uses_fails_once_then_the_pool_is_renewed(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "IDLE_PING_SECONDS", 3600.0)  # nothing counts as idle: no ping
    first = backend(engine)
    kill(engine, first)
    with pytest.raises(OperationalError), engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    assert backend(engine) != first
