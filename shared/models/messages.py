"""Messages people send to Sekber through the messaging gateway (SMS, WhatsApp, Telegram),
each handled once by its gateway id, with what it did and the reply it got."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from shared.models.base import Base, UTCDateTime, new_id, utcnow


class InboundMessage(Base):
    __tablename__ = "inbound_messages"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    # The gateway's id of the message: a redelivery finds this row and changes nothing.
    gateway_id: Mapped[str] = mapped_column(String(120), unique=True)
    channel: Mapped[str] = mapped_column(String(10))  # whatsapp | sms | telegram
    # The sender: a phone number as +62... (shared/domain/phone.py) or a Telegram chat id.
    sender: Mapped[str] = mapped_column(String(32), index=True)
    # `from` as the gateway wrote it: the reply goes back to that address.
    address: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    in_reply_to: Mapped[str | None] = mapped_column(String(120))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    correlation_id: Mapped[str] = mapped_column(String(64), default="")
    # received -> answered (acted on, or refused with a reason) | ignored (no reply)
    state: Mapped[str] = mapped_column(String(10), default="received")
    # Who sent it, as found at handling: coordinator | case_worker | unknown.
    sender_kind: Mapped[str | None] = mapped_column(String(12))
    sender_ref: Mapped[str | None] = mapped_column(String(80))
    command: Mapped[str | None] = mapped_column(String(10))
    # What came of it: accepted, declined, case_created, refused:not_yours, ...
    outcome: Mapped[str | None] = mapped_column(String(40))
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id"))
    referral_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("referrals.id"))
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The reply, sent by notify over the channel the message came by, with this row's id
    # as its idempotency key: pending -> sending -> sent | failed (retried) | dead.
    language: Mapped[str] = mapped_column(String(2), default="id")
    reply_text: Mapped[str | None] = mapped_column(Text)
    reply_state: Mapped[str | None] = mapped_column(String(10), index=True)
    reply_attempts: Mapped[int] = mapped_column(Integer, default=0)
    reply_lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reply_not_before: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reply_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reply_error: Mapped[str | None] = mapped_column(String(500))
