"""Spent action links: a signed link performs its action once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from shared.models.base import Base, UTCDateTime


class ActionLinkUse(Base):
    __tablename__ = "action_link_uses"

    # SHA-256 of the token: the table never holds a usable link.
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    used_at: Mapped[datetime] = mapped_column(UTCDateTime)
