"""Short messages over a WhatsApp/SMS gateway, to coordinators who have a phone.

The gateway is asked to honour an idempotency key (the notification id), so a repeated
request after a crash is sent once.
"""

from __future__ import annotations

import httpx

from services.notify.channels import urlguard
from services.notify.channels.base import (
    Channel,
    DeliveryError,
    OutgoingMessage,
    PermanentDeliveryError,
)
from shared.config import Settings

# A chat message or an SMS should fit on a phone screen; the link leads to the rest.
SHORT_BODY = 300


def short_text(message: OutgoingMessage) -> str:
    body = message.body.strip()
    # A reply to a person's message was written short already (BANTUAN's list is longer
    # than one screen, and useless cut).
    if len(body) > SHORT_BODY and message.kind != "reply":
        body = body[:SHORT_BODY].rsplit("\n", 1)[0].rstrip() + " …"
    parts = [message.subject, body]
    if message.link and message.link not in body:
        parts.append(message.link)
    return "\n\n".join(part for part in parts if part)


class GatewayChannel(Channel):
    name = "gateway"

    def __init__(self, settings: Settings) -> None:
        self._url = settings.gateway_url
        self._token = settings.gateway_token
        self._timeout = settings.gateway_timeout_seconds
        self._environment = settings.environment
        urlguard.check_config(self._url, environment=self._environment)

    def send(self, message: OutgoingMessage) -> None:
        try:
            urlguard.check_send(self._url, environment=self._environment)
        except urlguard.UnsafeUrl as exc:
            raise PermanentDeliveryError(f"gateway: {exc}") from exc
        payload = {
            "to": message.address,
            "text": short_text(message),
            "idempotency_key": message.notification_id,
        }
        if message.reply_to:
            payload["in_reply_to"] = message.reply_to
        if message.route:
            payload["channel"] = message.route
        headers = {
            "authorization": f"Bearer {self._token}",
            "idempotency-key": message.notification_id,
        }
        try:
            response = httpx.post(self._url, json=payload, headers=headers, timeout=self._timeout)
        except httpx.HTTPError as exc:
            raise DeliveryError(f"gateway: {exc!r}") from exc
        if not response.is_success:
            raise DeliveryError(f"gateway: HTTP {response.status_code}")
