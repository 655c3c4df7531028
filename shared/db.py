"""Engine, session factory and the unit of work."""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        return _sqlite_engine(url, **kwargs)
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


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
