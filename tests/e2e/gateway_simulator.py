"""A messaging gateway in the test's process: it records what Sekber sends (outbound
SMS, WhatsApp and Telegram-style messages, by `to`) and signs and sends what people
type back (POST /api/v1/gateway/inbound, Standard Webhooks), as a real gateway would."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import httpx

from tests.integration.notify.receivers import Receiver
from tests.support.gateway import INBOUND, signed_message


@dataclass(frozen=True)
class Sent:
    """One message Sekber asked the gateway to send."""

    to: str
    text: str
    idempotency_key: str
    in_reply_to: str | None
    channel: str | None


class GatewaySimulator:
    def __init__(self, *, secret: str, token: str = "gateway-token") -> None:
        self.secret = secret
        self.token = token
        self._receiver = Receiver()
        self.sekber_url = ""

    def __enter__(self) -> GatewaySimulator:
        self._receiver.__enter__()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._receiver.__exit__(kind, exc, tb)

    @property
    def url(self) -> str:
        return self._receiver.url

    def sent(self) -> list[Sent]:
        """What Sekber sent, once per idempotency key (a retried send is one message)."""
        seen: dict[str, Sent] = {}
        for request in self._receiver.accepted():
            body: dict[str, Any] = request.json()
            seen.setdefault(
                body["idempotency_key"],
                Sent(
                    to=body["to"],
                    text=body["text"],
                    idempotency_key=body["idempotency_key"],
                    in_reply_to=body.get("in_reply_to"),
                    channel=body.get("channel"),
                ),
            )
        return list(seen.values())

    def wait_for(self, predicate: Any, *, timeout: float = 60, what: str = "") -> Sent:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in self.sent():
                if predicate(message):
                    return message
            time.sleep(0.2)
        raise AssertionError(f"the gateway got no {what or 'such message'} in {timeout} s")

    def reply_to(self, message_id: str, *, timeout: float = 60) -> Sent:
        return self.wait_for(
            lambda m: m.in_reply_to == message_id, timeout=timeout, what=f"reply to {message_id}"
        )

    def send(
        self,
        sender: str,
        text: str,
        *,
        channel: str = "sms",
        in_reply_to: str | None = None,
        message_id: str | None = None,
    ) -> httpx.Response:
        """What a person typed, signed and delivered to Sekber."""
        raw, headers = signed_message(
            self.secret,
            sender,
            text,
            channel=channel,
            in_reply_to=in_reply_to,
            message_id=message_id or f"sim-{uuid.uuid4().hex}",
        )
        return httpx.post(f"{self.sekber_url}{INBOUND}", content=raw, headers=headers, timeout=10)
