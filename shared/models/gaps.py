"""The weekly digest of service gaps to a province's supervisors (issue 26): made once a
week per province by the notify worker (services/notify/gap_digest.py), read on the page
/dasbor/celah-layanan and at GET /api/v1/dashboard/service-gaps/digest."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from shared.models.base import Base, UTCDateTime, new_id, utcnow


class ServiceGapDigest(Base):
    __tablename__ = "service_gap_digests"
    # One per province and week, however often or concurrently the worker runs.
    __table_args__ = (UniqueConstraint("region_code", "week_start"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    region_code: Mapped[str] = mapped_column(String(13))
    # The Monday (WIB) of the week the digest covers, Monday to Sunday.
    week_start: Mapped[date] = mapped_column(Date)
    # The worst gaps, as the API gives them (counts and codes only: no person).
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    subject_id: Mapped[str] = mapped_column(String(200))
    body_id: Mapped[str] = mapped_column(Text)
    subject_en: Mapped[str] = mapped_column(String(200))
    body_en: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
