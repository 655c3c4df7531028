"""Urgency levels of a referral, most urgent first."""

from __future__ import annotations

from enum import StrEnum


class Urgency(StrEnum):
    EMERGENCY = "emergency"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"

    @property
    def rank(self) -> int:
        return list(Urgency).index(self)
