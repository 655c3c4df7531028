"""A system-wide feed of notifications as Standard Webhooks (v1, HMAC-SHA256).

The receiver dedupes on `webhook-id`, which is the notification id, so a repeated delivery
(at-least-once) has one effect. `verify` is for receivers, including our tests
(shared/domain/webhook_signature.py, which intake also uses for the gateway's messages).
"""

from __future__ import annotations

import json

import httpx

from services.notify.channels import urlguard
from services.notify.channels.base import (
    Channel,
    DeliveryError,
    Feed,
    OutgoingMessage,
    PermanentDeliveryError,
)
from shared.config import Settings

# One implementation for both sides (the gateway's inbound messages are checked with it).
from shared.domain.webhook_signature import (
    DEFAULT_TOLERANCE,
    InvalidSignature,
    headers_for,
    sign,
    verify,
)

__all__ = [
    "DEFAULT_TOLERANCE",
    "InvalidSignature",
    "WebhookChannel",
    "headers_for",
    "sign",
    "verify",
]


class WebhookChannel(Channel):
    name = "webhook"

    def __init__(self, settings: Settings) -> None:
        self._url = settings.webhook_url
        self._secret = settings.webhook_secret
        self._timeout = settings.webhook_timeout_seconds
        self._environment = settings.environment
        urlguard.check_config(self._url, environment=self._environment)
        self.feed = Feed(address=settings.webhook_url, language=settings.webhook_language)

    def send(self, message: OutgoingMessage) -> None:
        try:
            urlguard.check_send(self._url, environment=self._environment)
        except urlguard.UnsafeUrl as exc:
            raise PermanentDeliveryError(f"webhook: {exc}") from exc
        body = json.dumps(
            {
                "id": message.notification_id,
                "type": message.kind,
                "tracking_code": message.tracking_code,
                "subject": message.subject,
                "body": message.body,
                "language": message.language,
                "link": message.link,
            },
            ensure_ascii=False,
        ).encode()
        headers = headers_for(self._secret, msg_id=message.notification_id, body=body)
        headers["content-type"] = "application/json"
        try:
            response = httpx.post(self._url, content=body, headers=headers, timeout=self._timeout)
        except httpx.HTTPError as exc:
            raise DeliveryError(f"webhook: {exc!r}") from exc
        if response.status_code == 410:
            raise PermanentDeliveryError("webhook: 410 Gone, the receiver wants no more")
        if not response.is_success:
            raise DeliveryError(f"webhook: HTTP {response.status_code}")
