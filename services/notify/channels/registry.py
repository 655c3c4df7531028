"""Which channels are on, by configuration."""

from __future__ import annotations

from services.notify.channels.base import Channel
from services.notify.channels.email import EmailChannel
from services.notify.channels.gateway import GatewayChannel
from services.notify.channels.telegram import TelegramChannel
from services.notify.channels.webhook import WebhookChannel
from shared.config import Settings


def enabled_channels(settings: Settings) -> dict[str, Channel]:
    """External channels that are configured. The in-app inbox is always on: its delivery
    is the notification row itself. A webhook, gateway or Telegram URL that is not HTTPS
    to a public address stops the start outside development and test (urlguard)."""
    channels: dict[str, Channel] = {}
    if settings.smtp_host:
        channels["email"] = EmailChannel(settings)
    if settings.gateway_url:
        channels["gateway"] = GatewayChannel(settings)
    if settings.webhook_url:
        channels["webhook"] = WebhookChannel(settings)
    if settings.telegram_bot_token:
        channels["telegram"] = TelegramChannel(settings)
    return channels
