"""What the messaging gateway posts to Sekber: one message a person sent, signed as
Standard Webhooks (docs/messaging.md), for the integration tests and the e2e simulator."""

from __future__ import annotations

import json
import uuid
from typing import Any

from shared.domain.webhook_signature import headers_for

INBOUND = "/api/v1/gateway/inbound"


def signed_message(
    secret: str,
    sender: str,
    text: str,
    *,
    channel: str = "sms",
    in_reply_to: str | None = None,
    message_id: str | None = None,
    now: float | None = None,
) -> tuple[bytes, dict[str, str]]:
    """The body and headers of POST /api/v1/gateway/inbound, as the gateway sends them."""
    body: dict[str, Any] = {
        "id": message_id or f"gw-{uuid.uuid4().hex}",
        "from": sender,
        "channel": channel,
        "text": text,
    }
    if in_reply_to is not None:
        body["in_reply_to"] = in_reply_to
    raw = json.dumps(body).encode()
    headers = headers_for(secret, msg_id=body["id"], body=raw, now=now)
    headers["content-type"] = "application/json"
    return raw, headers
