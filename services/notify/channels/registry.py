"""Which channels are on, by configuration."""

from __future__ import annotations

from services.notify.channels.base import Channel
from services.notify.channels.email import EmailChannel
from shared.config import Settings


def enabled_channels(settings: Settings) -> dict[str, Channel]:
    """External channels that are configured. The in-app inbox is always on: its delivery
    is the notification row itself."""
    channels: dict[str, Channel] = {}
    if settings.smtp_host:
        channels["email"] = EmailChannel(settings)
    return channels
