"""A system-wide feed of notifications as Standard Webhooks (v1, HMAC-SHA256).

The receiver dedupes on `webhook-id`, which is the notification id, so a repeated delivery
(at-least-once) has one effect. `verify` is for receivers, including our tests.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Mapping

import httpx

from services.notify.channels import urlguard
from services.notify.channels.base import (
    Channel,
    DeliveryError,
    Feed,
    OutgoingMessage,
    PermanentDeliveryError,
)
from shared.config import WEBHOOK_SECRET_PREFIX, Settings

DEFAULT_TOLERANCE = 300


class InvalidSignature(Exception):
    """The webhook was not signed with the secret, was altered, or is too old or too new."""


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(WEBHOOK_SECRET_PREFIX))


def sign(secret: str, *, msg_id: str, timestamp: int, body: bytes) -> str:
    """The `v1,<base64>` signature of `{id}.{timestamp}.{body}`."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers_for(
    secret: str, *, msg_id: str, body: bytes, now: float | None = None
) -> dict[str, str]:
    timestamp = int(time.time() if now is None else now)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, msg_id=msg_id, timestamp=timestamp, body=body),
    }


def verify(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    tolerance: int = DEFAULT_TOLERANCE,
    *,
    now: float | None = None,
) -> None:
    """Raise InvalidSignature unless one of the header's signatures matches and the
    timestamp is within `tolerance` seconds of now. Header names are matched in any case."""
    lower = {k.lower(): v for k, v in headers.items()}
    try:
        msg_id = lower["webhook-id"]
        timestamp = int(lower["webhook-timestamp"])
        signatures = lower["webhook-signature"].split()
    except (KeyError, ValueError) as exc:
        raise InvalidSignature("missing or malformed webhook headers") from exc
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        raise InvalidSignature("timestamp outside the tolerance")
    expected = sign(secret, msg_id=msg_id, timestamp=timestamp, body=body)
    # Several signatures (space-separated) let a sender rotate its secret without downtime.
    if not any(
        hmac.compare_digest(expected.encode(), candidate.encode())
        for candidate in signatures
        if candidate.startswith("v1,")
    ):
        raise InvalidSignature("no matching signature")


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
