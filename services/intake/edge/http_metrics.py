"""Prometheus metrics of the intake: requests by route and status, their latency, and the
outbox backlog, read from the database when scraped.

Each app has its own registry, so several apps in one process (the tests) do not collide.
Labels are route templates (`/api/v1/cases/{case_id}`), never raw paths: one series per
route, and no ids or codes in the labels.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.db import UowFactory, read_only
from shared.models import OutboxEvent

log = logging.getLogger(__name__)

UNMATCHED = "unmatched"
# Anything else a client sends counts as "other": labels stay a fixed, small set.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class HttpMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter(
            "sekber_http_requests",
            "HTTP requests answered, by route template and status",
            ["method", "route", "status"],
            registry=registry,
        )
        self.latency = Histogram(
            "sekber_http_request_duration_seconds",
            "Time to answer an HTTP request, by route template",
            ["method", "route"],
            registry=registry,
        )


class RequestMetrics:
    """ASGI middleware: count and time every HTTP request."""

    def __init__(self, app: ASGIApp, *, metrics: HttpMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # unless the app answers otherwise

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            route = _route_template(scope)
            method = scope["method"] if scope["method"] in METHODS else "other"
            self.metrics.requests.labels(method, route, str(status)).inc()
            self.metrics.latency.labels(method, route).observe(time.perf_counter() - started)


def _route_template(scope: Scope) -> str:
    """The matched route's template with the prefix it was included under.

    FastAPI leaves the route's own path (`/cases/{case_id}`) in the scope, without the
    router's prefix; the prefix is the request path's leading segments, one per segment
    the template does not cover.
    """
    template = getattr(scope.get("route"), "path", None)
    if not isinstance(template, str) or not template.startswith("/"):
        return UNMATCHED
    segments = scope["path"].split("/")
    depth = template.count("/")
    if ":path}" in template or len(segments) <= depth:
        return template
    return "/".join(segments[: len(segments) - depth]) + template


class OutboxCollector(Collector):
    """The outbox backlog, computed at scrape time: a relay that stopped publishing shows
    as a growing count and age long before anyone misses a notification."""

    def __init__(self, *, uow_factory: UowFactory, clock: Callable[[], datetime]) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "sekber_outbox_up", "Whether the outbox could be read for this scrape"
        )
        try:
            backlog, oldest = self._read()
        except SQLAlchemyError as exc:
            # The scrape still answers (with the HTTP metrics); this gauge says what is missing.
            log.warning("outbox metrics unavailable: %s", type(exc).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield GaugeMetricFamily(
            "sekber_outbox_backlog", "Events written but not yet published", value=backlog
        )
        age = 0.0 if oldest is None else max(0.0, (self._clock() - oldest).total_seconds())
        yield GaugeMetricFamily(
            "sekber_outbox_oldest_unpublished_age_seconds",
            "Age of the oldest unpublished event (0 when none waits)",
            value=age,
        )

    def _read(self) -> tuple[int, datetime | None]:
        with self._uow_factory() as uow:
            read_only(uow.session)
            row = uow.session.execute(
                select(func.count(), func.min(OutboxEvent.created_at)).where(
                    OutboxEvent.published_at.is_(None)
                )
            ).one()
        return int(row[0]), row[1]
