"""The correlation id on every log line, and the two log formats (JSON and text).

A request or a task sets the id for its duration (`correlated`); a filter on each log
handler copies it onto every record, whichever library logged it. Log ids only: never a
name, NIK, phone number or description.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from shared.events import Envelope

log = logging.getLogger(__name__)

NO_CORRELATION = "-"

_correlation_id: ContextVar[str | None] = ContextVar("sekber_correlation_id", default=None)


def current() -> str | None:
    """The correlation id of the request or task being handled, if any."""
    return _correlation_id.get()


@contextmanager
def correlated(correlation_id: str) -> Iterator[None]:
    """Log with this correlation id until the block ends."""
    token = _correlation_id.set(correlation_id)
    try:
        yield
    finally:
        _correlation_id.reset(token)


@contextmanager
def consuming(envelope: Envelope, *, consumer: str) -> Iterator[None]:
    """A consumer handles an event: log under the envelope's correlation id, and say so."""
    with correlated(envelope.correlation_id):
        log.info("%s takes %s %s", consumer, envelope.type, envelope.id)
        yield


class CorrelationFilter(logging.Filter):
    """Put `correlation_id` on every record (attach it to handlers, so propagated records
    from other libraries' loggers get it too)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.correlation_id = _correlation_id.get() or NO_CORRELATION
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for a log collector."""

    def __init__(self, *, service: str) -> None:
        super().__init__()
        self._service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "service": self._service,
            "logger": record.name,
            "message": record.getMessage(),
        }
        correlation_id = getattr(record, "correlation_id", NO_CORRELATION)
        if correlation_id != NO_CORRELATION:
            entry["correlation_id"] = correlation_id
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def text_format(service: str) -> str:
    return f"%(asctime)s %(levelname)-5s {service} [%(correlation_id)s] %(name)s: %(message)s"
