"""The directory of coordinators: who serves which pillar where."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, validates

from shared.domain import phone as phones
from shared.models.base import Base, UTCDateTime, new_id, utcnow


class Coordinator(Base):
    """A person or an organisation unit that receives referrals for one pillar."""

    __tablename__ = "coordinators"
    __table_args__ = (Index("ix_coordinators_pillar_region", "pillar_code", "region_code"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    external_ref: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(10), default="person")  # person | unit
    pillar_code: Mapped[str] = mapped_column(ForeignKey("pillars.code"))
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(32))
    # The phone as +62... (shared/domain/phone.py), kept with it: a message from this
    # number acts as this coordinator (docs/messaging.md).
    phone_key: Mapped[str | None] = mapped_column(String(16), index=True)
    # The chat a Telegram bot writes to (the coordinator started the bot); None: no Telegram.
    telegram_chat_id: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(2), default="id")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    capacity: Mapped[int] = mapped_column(Integer, default=25)
    on_leave_until: Mapped[date | None] = mapped_column(Date)
    # PPKS codes this coordinator takes (an LKS elderly home takes LUT); None: all of them.
    categories: Mapped[list[str] | None] = mapped_column(JSON)
    last_assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when the directory entry changes (not on assignment): it versions the snapshot.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    @validates("phone")
    def _keep_phone_key(self, _key: str, value: str | None) -> str | None:
        self.phone_key = phones.normalise(value) if value else None
        return value
