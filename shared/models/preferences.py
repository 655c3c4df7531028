"""What each recipient wants to hear, and how: per event type and channel, quiet hours,
and whether low-urgency alerts wait for the daily digest.

A recipient is a coordinator (their directory id) or, later, a user label ("kind:id").
Without a row everything is on: a preference only ever turns something off.
"""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import Boolean, String, Time
from sqlalchemy.orm import Mapped, mapped_column

from shared.models.base import Base, UTCDateTime, utcnow


class NotificationPreference(Base):
    """One (event type, channel) switch of one recipient."""

    __tablename__ = "notification_preferences"

    recipient: Mapped[str] = mapped_column(String(160), primary_key=True)
    # assignment, offer, reminder, escalation, acceptance, resolution, withdrawal
    event_type: Mapped[str] = mapped_column(String(20), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NotificationSettings(Base):
    """A recipient's quiet hours (local WIB times; from > to spans midnight) and digest flag."""

    __tablename__ = "notification_settings"

    recipient: Mapped[str] = mapped_column(String(160), primary_key=True)
    quiet_from: Mapped[time | None] = mapped_column(Time)
    quiet_to: Mapped[time | None] = mapped_column(Time)
    digest_low_urgency: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
