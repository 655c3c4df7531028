"""Engine, session factory and the unit of work."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

# A pooled connection idle for longer than this is tested before it is handed out.
IDLE_PING_SECONDS = 1.0


def make_engine(url: str, **kwargs: Any) -> Engine:
    # The values of a statement are names, NIKs, birth dates and phone numbers: they never
    # appear in an error, so never in a log or a traceback.
    kwargs["hide_parameters"] = True
    if url.startswith("sqlite"):
        return _sqlite_engine(url, **kwargs)
    engine = create_engine(url, **kwargs)
    _drop_error_details(engine)
    if not kwargs.get("pool_pre_ping"):
        _ping_when_idle(engine)
    return engine


def _drop_error_details(engine: Engine) -> None:
    """Keep PostgreSQL's DETAIL, HINT and CONTEXT lines out of error messages.

    The server repeats values there: the whole failing row for a check or not-null
    violation, the key for a unique one. psycopg puts them in the exception's text, which
    SQLAlchemy copies into its own; both keep only the first line. The fields stay on the
    driver's exception (`exc.orig.diag`) for code that needs them.
    """

    @event.listens_for(engine, "handle_error")
    def _first_line_only(context: Any) -> None:
        original = context.original_exception
        text = str(original)
        first = text.split("\n", 1)[0]
        if first == text:
            return
        original.args = (first,)
        wrapped = context.sqlalchemy_exception
        if wrapped is not None and wrapped.args and isinstance(wrapped.args[0], str):
            wrapped.args = (wrapped.args[0].replace(text, first, 1), *wrapped.args[1:])


def _ping_when_idle(engine: Engine) -> None:
    """Test a connection before use only when it sat idle in the pool.

    `pool_pre_ping` costs a round trip at every checkout, about one in five of a busy
    worker's statements. A connection that was in use a moment ago is as good as a ping;
    one idle for a while (a database restart, a firewall that dropped it) is tested, and
    replaced when dead. A connection lost in the moment between use and reuse fails its
    transaction once: every caller retries that (tasks on OperationalError, intake with
    503 and Retry-After), and SQLAlchemy then renews the whole pool.
    """

    @event.listens_for(engine, "checkin")
    def _checkin(_dbapi_conn: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < IDLE_PING_SECONDS:
            return
        try:
            cursor = dbapi_conn.cursor()
            try:
                cursor.execute("SELECT 1")
            finally:
                cursor.close()
        except Exception as exc:
            # The pool drops this connection and hands out another (a few tries).
            raise DisconnectionError(f"idle connection is dead: {exc}") from exc


def _sqlite_engine(url: str, **kwargs: Any) -> Engine:
    kwargs.setdefault("connect_args", {"timeout": 30})
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, open transactions (see _on_begin).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Several processes share one SQLite file. A deferred transaction that reads and
        # then writes fails at once with SQLITE_BUSY when another writer got in between;
        # taking the write lock up front makes it wait for busy_timeout instead.
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


class UnitOfWork:
    """One transaction. It rolls back unless the use case calls commit()."""

    session: Session

    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._session_factory = session_factory

    def __enter__(self) -> UnitOfWork:
        self.session = self._session_factory()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # close() rolls back whatever was not committed; unlike rollback() it leaves the
        # loaded objects readable (detached) for the caller.
        self.session.close()

    def commit(self) -> None:
        self.session.commit()


UowFactory = Callable[[], UnitOfWork]


def read_only(session: Session) -> None:
    """Make the session's transaction refuse writes where the database can (PostgreSQL).

    Call it before anything else in the transaction. On SQLite the guard is the unit of
    work itself, which rolls back whatever was not committed.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET TRANSACTION READ ONLY"))


def uow_factory_for(url: str) -> UowFactory:
    """A factory that builds its engine lazily, so a forked worker child gets its own."""
    state: dict[str, sessionmaker[Session]] = {}
    lock = threading.Lock()

    def factory() -> UnitOfWork:
        if "sessions" not in state:
            with lock:
                if "sessions" not in state:
                    state["sessions"] = make_session_factory(make_engine(url))
        return UnitOfWork(state["sessions"])

    return factory
