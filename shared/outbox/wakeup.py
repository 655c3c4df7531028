"""The relay's wait between rounds: woken by PostgreSQL's NOTIFY when an event commits
(the trigger on outbox, migration 0011), by the poll otherwise."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from typing import Any

import psycopg
from psycopg.conninfo import make_conninfo
from sqlalchemy import make_url

from shared.outbox.store import WAKE_CHANNEL

log = logging.getLogger(__name__)


class Wakeup:
    """The relay's wait between rounds: until an outbox writer's NOTIFY (PostgreSQL), the
    poll interval, or `stop`, whichever comes first. Elsewhere (SQLite), or while its own
    connection is down, it simply waits the poll interval."""

    def __init__(self, database_url: str, *, stop: threading.Event) -> None:
        self._conninfo = _conninfo(database_url)
        self._stop = stop
        self._conn: psycopg.Connection[Any] | None = None

    @property
    def listening(self) -> bool:
        return self._conn is not None and not self._conn.closed

    def wait(self, seconds: float) -> None:
        if self._conninfo is None:
            self._stop.wait(seconds)
            return
        try:
            if not self.listening:
                self._listen()
                return  # events committed while not listening: look at once
            assert self._conn is not None
            deadline = time.monotonic() + seconds
            # Short slices so that a stop request is honoured within a quarter second.
            while not self._stop.is_set():
                left = deadline - time.monotonic()
                if left <= 0 or any(True for _ in self._conn.notifies(timeout=min(left, 0.25))):
                    break
            for _ in self._conn.notifies(timeout=0):  # one round serves them all
                pass
        except psycopg.Error as exc:
            log.warning("relay wake-up channel lost, polling: %s", exc)
            self.close()
            self._stop.wait(seconds)

    def _listen(self) -> None:
        self._conn = psycopg.connect(self._conninfo or "", autocommit=True, connect_timeout=5)
        self._conn.execute(f"LISTEN {WAKE_CHANNEL}")

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(psycopg.Error):
                self._conn.close()
            self._conn = None


def _conninfo(database_url: str) -> str | None:
    """libpq's connection string for a PostgreSQL URL, as SQLAlchemy's dialect reads it
    (several hosts, `target_session_attrs`: the LISTEN follows the primary as the pool's
    connections do); None for another database."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        return None
    _args, params = url.get_dialect()().create_connect_args(url)
    params.pop("context", None)
    return make_conninfo(**{key: str(value) for key, value in params.items()})
