"""Closed days an administrator set for a year (shared/reference/calendar.py reads them)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from shared.models.base import Base, UTCDateTime, utcnow


class CalendarDay(Base):
    """A day closed on top of the national holidays and the year's file (kind "leave": cuti
    bersama or a regional holiday), or a day those list made a working day again ("workday":
    a decree that moved or cancelled it). One entry a day; setting it again replaces it."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # leave | workday
    name: Mapped[str] = mapped_column(String(160))
    source: Mapped[str] = mapped_column(String(200))  # the decree, e.g. "SKB 3 Menteri No. ..."
    set_by: Mapped[str] = mapped_column(String(80))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
