"""Transactional outbox and idempotent-consumer records."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from shared.models.base import Base, UTCDateTime, utcnow


class OutboxEvent(Base):
    """An event written in the same transaction as the change it reports."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    event_type: Mapped[str] = mapped_column(String(60))
    # The case the event is about, so the reconciliation sweep can find it without JSON.
    case_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    envelope: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    republished: Mapped[int] = mapped_column(Integer, default=0)


class ProcessedEvent(Base):
    """Written with the consumer's effect: a redelivered event finds it and does nothing."""

    __tablename__ = "processed_events"

    consumer: Mapped[str] = mapped_column(String(40), primary_key=True)
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
