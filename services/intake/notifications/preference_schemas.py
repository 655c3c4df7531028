"""What a coordinator says about the notifications they want (GET and PUT
/api/v1/me/notification-preferences)."""

from __future__ import annotations

from datetime import time
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool

EventType = Literal[
    "assignment", "offer", "reminder", "escalation", "acceptance", "resolution", "withdrawal"
]
ChannelName = Literal["inapp", "email", "gateway", "telegram"]


class PreferenceSwitch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    event_type: EventType
    channel: ChannelName = Field(
        description="inapp (always on: it is the record), email, gateway (WhatsApp/SMS), telegram"
    )
    enabled: StrictBool


class NotificationPreferencesWrite(BaseModel):
    """The switches given are stored (the others keep their value); the quiet hours and the
    digest flag are replaced."""

    model_config = ConfigDict(extra="forbid")

    preferences: list[PreferenceSwitch] = Field(default_factory=list, max_length=100)
    quiet_from: time | None = Field(
        default=None, description="Start of quiet hours, local time (WIB), e.g. 21:00"
    )
    quiet_to: time | None = Field(
        default=None, description="End of quiet hours (WIB); before quiet_from spans midnight"
    )
    digest_low_urgency: StrictBool = Field(
        default=True,
        description="Low-urgency assignments and reminders come once a day in a digest "
        "instead of one by one (e-mail, WhatsApp/SMS, Telegram; the inbox keeps each)",
    )


class NotificationPreferencesRead(BaseModel):
    preferences: list[PreferenceSwitch] = Field(
        description="Every event type on every channel; emergencies ignore quiet hours and "
        "the digest"
    )
    quiet_from: time | None
    quiet_to: time | None
    digest_low_urgency: bool
    timezone: str = "Asia/Jakarta"
