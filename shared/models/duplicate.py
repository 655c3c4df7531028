"""Possible duplicates: two cases that may be one person, found when the second arrived,
and the word keys of names the look-up goes through (shared/duplicates)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from shared.models.base import Base, UTCDateTime, utcnow


class CaseNameKey(Base):
    """One sound key of a word of the beneficiary's name (shared/domain/names.py), with the
    kecamatan the case is in: "cases in this kecamatan with a name word sounding like X" is
    one index range, never a table scan."""

    __tablename__ = "case_name_keys"

    area: Mapped[str] = mapped_column(String(8), primary_key=True)  # kecamatan PP.KK.CC
    key: Mapped[str] = mapped_column(String(24), primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), primary_key=True, index=True)


class PossibleDuplicate(Base):
    """`case_id` (the later case) may be the same person as `other_id`: the same NIK, or a
    similar name with a compatible birth date in the same kecamatan. `resolution` is empty
    while the flag stands; "dismissed" (a supervisor said: not the same person) or
    "merged" ends it."""

    __tablename__ = "possible_duplicates"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    other_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id"), primary_key=True, index=True
    )
    match: Mapped[str] = mapped_column(String(24))  # nik | name_birth_place
    score: Mapped[float] = mapped_column(Float)
    found_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolution: Mapped[str | None] = mapped_column(String(12))
    resolved_by: Mapped[str | None] = mapped_column(String(160))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
