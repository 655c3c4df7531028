"""Two-way messages (docs/messaging.md): the messaging gateway posts what people send by
SMS, WhatsApp or Telegram; the import worker reads each message once and acts on it (a
coordinator answering a task, a case worker reporting a case); notify sends the reply."""

from __future__ import annotations

from fastapi import FastAPI

from services.intake.access import policy
from services.intake.access.policy import API, PUBLIC
from services.intake.messaging import routes

RULES = {
    # Signed by the gateway (Standard Webhooks): the signature is its credential.
    f"POST {API}/gateway/inbound": PUBLIC,
}


def install(app: FastAPI) -> None:
    policy.include(app, routes.router, prefix=API, rules=RULES)
