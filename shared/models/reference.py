"""Reference data: regions, PPKS categories, pillars and the versions loaded."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from shared.models.base import Base, UTCDateTime, utcnow


class Region(Base):
    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(String(13), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    level: Mapped[str] = mapped_column(String(10))
    parent_code: Mapped[str | None] = mapped_column(String(13), index=True)
    # The code list that dropped this code; None while it is current. Codes are never
    # deleted: cases and coordinators filed under them stay readable.
    retired_in: Mapped[str | None] = mapped_column(String(120))


class RegionSuccessor(Base):
    """A row of a code list's crosswalk: where an old code went (`kind`: rename, move, split,
    merge). Of a split, the successor that `takes_cases` gets the cases and coordinators."""

    __tablename__ = "region_successors"

    old_code: Mapped[str] = mapped_column(String(13), primary_key=True)
    new_code: Mapped[str] = mapped_column(String(13), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    takes_cases: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[str] = mapped_column(String(120))


class Category(Base):
    __tablename__ = "categories"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    name_id: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    is_child: Mapped[bool] = mapped_column(Boolean, default=False)


class Pillar(Base):
    __tablename__ = "pillars"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name_id: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    sees_identity: Mapped[bool] = mapped_column(Boolean, default=True)


class ReferenceVersion(Base):
    """Which version of each reference list is loaded (region codes are reissued)."""

    __tablename__ = "reference_versions"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[str] = mapped_column(String(120))
    checksum: Mapped[str] = mapped_column(String(64))
    row_count: Mapped[int] = mapped_column(Integer)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
