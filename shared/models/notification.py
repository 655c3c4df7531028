"""Notifications: one row per (event, recipient, channel); a daily digest is one row per
(recipient, channel, day)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from shared.domain.notice import NotificationState
from shared.models.base import Base, UTCDateTime, new_id, utcnow


class Notification(Base):
    __tablename__ = "notifications"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    # "{event_id}:{recipient}:{channel}": a duplicate event can never make a second row.
    dedup_key: Mapped[str] = mapped_column(String(160), unique=True)
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    kind: Mapped[str] = mapped_column(String(30))
    # A digest, which lists several cases, is filed under the first one it lists.
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    referral_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("referrals.id"))
    coordinator_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("coordinators.id"), index=True
    )
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str | None] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(2))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # pending -> sending -> sent | failed (retrying) | dead; an external low-urgency alert
    # can be held for the daily digest instead: held -> digested (digest_id says where).
    state: Mapped[str] = mapped_column(
        String(10), default=NotificationState.PENDING.value, index=True
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # A sender holds the row until this time; a redelivered task leaves it alone till then.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Not sent before this time: the end of the recipient's quiet hours, or the next retry.
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    digest_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
