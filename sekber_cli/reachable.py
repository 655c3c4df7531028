"""Do the database and Redis that the settings name answer? Asked by `sekber up` before it
starts anything, so that a wrong or unreachable server is one line, not a crash later."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

TIMEOUT_SECONDS = 5


def redis_problem(url: str) -> str | None:
    """Why Redis at `url` does not answer a PING, or None when it does."""
    import redis

    from shared.redisconn import clients as redisconn

    client = redisconn.client(
        url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS
    )
    try:
        client.ping()
    except (redis.RedisError, OSError) as exc:
        return _problem(f"Redis at {redacted(url)}", exc, url, "SEKBER_REDIS_URL")
    finally:
        client.close()
    return None


def database_problem(url: str) -> str | None:
    """Why the database at `url` does not answer a query, or None when it does."""
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    from shared.db import make_engine

    options: dict[str, Any] = {}
    if not url.startswith("sqlite"):
        options["connect_args"] = {"connect_timeout": TIMEOUT_SECONDS}
    try:
        engine = make_engine(url, **options)
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        finally:
            engine.dispose()
    except (SQLAlchemyError, ImportError, OSError) as exc:
        cause = getattr(exc, "orig", None) or exc
        return _problem(f"the database at {redacted(url)}", cause, url, "SEKBER_DATABASE_URL")
    return None


def redacted(url: str) -> str:
    """The URL with its password replaced by ***."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{host}"))


def _problem(what: str, exc: BaseException, url: str, variable: str) -> str:
    """One line: what does not answer, the first line of the error (without the URL's
    password, should it appear there), and the setting to check."""
    lines = str(exc).strip().splitlines()
    reason = (lines[0] if lines else type(exc).__name__)[:200]
    password = urlsplit(url).password
    if password:
        reason = reason.replace(password, "***")
    return f"{what} does not answer ({reason}); check {variable}"
