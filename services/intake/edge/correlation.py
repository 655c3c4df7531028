"""The correlation id of each request: taken from X-Correlation-Id or made up, logged with
every line the request writes, and returned in the response's X-Correlation-Id."""

from __future__ import annotations

import re
import uuid

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.runtime import logcontext

HEADER = "X-Correlation-Id"
STATE_KEY = "correlation_id"
# Printable ASCII without spaces, as long as a case's correlation_id column.
_ACCEPTED = re.compile(r"^[\x21-\x7e]{1,64}$")


def from_header(value: str | None) -> str:
    """The caller's id when it is one we can log and store; a new one otherwise."""
    if value is not None and _ACCEPTED.match(value):
        return value
    return uuid.uuid4().hex


def of_request(request: Request) -> str:
    """The id the middleware gave this request (a new one if it never ran)."""
    correlation_id = getattr(request.state, STATE_KEY, None)
    return correlation_id if isinstance(correlation_id, str) else uuid.uuid4().hex


class CorrelationId:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = dict(scope.get("headers", [])).get(HEADER.lower().encode("latin-1"))
        correlation_id = from_header(raw.decode("latin-1") if raw is not None else None)
        # For the handler of unexpected errors, which runs outside this middleware.
        scope.setdefault("state", {})[STATE_KEY] = correlation_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                # A replayed submission answers with its case's id, set by the route.
                if HEADER not in headers:
                    headers[HEADER] = correlation_id
            await send(message)

        with logcontext.correlated(correlation_id):
            await self.app(scope, receive, send_with_id)
