"""Messages to coordinators over the Telegram Bot API: POST {api_base}/bot{token}/sendMessage.

A coordinator who wants Telegram starts the bot; their chat id is stored in the directory
(`coordinators.telegram_chat_id`). The Bot API knows no idempotency key, so a resend after
a crash mid-send can show twice (docs/reliability.md). The token is part of the URL: it is
never put into an error message, which is stored with the notification.
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

MAX_TEXT = 4096  # Telegram's limit for one message


def text_of(message: OutgoingMessage) -> str:
    text = "\n\n".join(p for p in (message.subject, message.body.strip()) if p)
    if message.link and message.link not in text:
        text += f"\n\n{message.link}"
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 2] + " …"


class TelegramChannel(Channel):
    name = "telegram"

    def __init__(self, settings: Settings) -> None:
        self._base = settings.telegram_api_base.rstrip("/")
        self._token = settings.telegram_bot_token
        self._timeout = settings.telegram_timeout_seconds
        self._environment = settings.environment
        urlguard.check_config(self._base, environment=self._environment)

    def send(self, message: OutgoingMessage) -> None:
        try:
            urlguard.check_send(self._base, environment=self._environment)
        except urlguard.UnsafeUrl as exc:
            raise PermanentDeliveryError(f"telegram: {exc}") from exc
        payload = {
            "chat_id": message.address,
            "text": text_of(message),
            "disable_web_page_preview": True,
        }
        try:
            response = httpx.post(
                f"{self._base}/bot{self._token}/sendMessage", json=payload, timeout=self._timeout
            )
        except httpx.HTTPError as exc:
            raise DeliveryError(f"telegram: {type(exc).__name__}") from None
        if response.status_code in (400, 403):
            # Chat not found, or the coordinator blocked the bot: trying again will not help.
            raise PermanentDeliveryError(f"telegram: HTTP {response.status_code}")
        if not response.is_success:
            raise DeliveryError(f"telegram: HTTP {response.status_code}")
