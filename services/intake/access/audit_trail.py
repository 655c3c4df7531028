"""Writes the audit trail of each request that touched personal data, once its answer is
known, before the answer leaves: an access that cannot be recorded is not served (503)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.intake.edge import correlation
from shared.accounts import audit
from shared.db import UowFactory

log = logging.getLogger(__name__)
STATE_KEY = "access"


class AuditTrail:
    def __init__(
        self, app: ASGIApp, *, uow_factory: UowFactory, clock: Callable[[], datetime]
    ) -> None:
        self.app = app
        self.uow_factory = uow_factory
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # An audited answer is held back until the route is done (its session closed) and
        # the record is written; others pass straight through.
        held: list[Message] = []

        async def send_or_hold(message: Message) -> None:
            if held or (
                message["type"] == "http.response.start"
                and isinstance(scope.get("state", {}).get(STATE_KEY), audit.Access)
            ):
                held.append(message)
                return
            await send(message)

        await self.app(scope, receive, send_or_hold)
        if not held:
            return
        access = scope["state"][STATE_KEY]
        try:
            await run_in_threadpool(self._write, scope, access, held[0]["status"])
        except Exception:
            log.exception("audit trail not written; the answer is withheld")
            await _unavailable(send)
            return
        for message in held:
            await send(message)

    def _write(self, scope: Scope, access: audit.Access, status: int) -> None:
        client = scope.get("client") or ("", 0)
        with self.uow_factory() as uow:
            audit.record(
                uow.session,
                access,
                status=status,
                now=self.clock(),
                correlation_id=scope.get("state", {}).get(correlation.STATE_KEY, ""),
                client=str(client[0]),
            )
            uow.commit()


async def _unavailable(send: Send) -> None:
    body = json.dumps(
        {"detail": [{"field": None, "loc": [], "msg": "try again shortly", "type": "audit"}]}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 503,
            "headers": [(b"content-type", b"application/json"), (b"retry-after", b"5")],
        }
    )
    await send({"type": "http.response.body", "body": body})
