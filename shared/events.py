"""Events are facts, named in the past tense, and travel in a versioned envelope.

The envelope id is the consumer's idempotency key. Payloads carry ids, never personal data.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field


class Event(BaseModel):
    model_config = ConfigDict(frozen=True)

    type: ClassVar[str]
    version: ClassVar[int] = 1


class CaseReceived(Event):
    type: ClassVar[str] = "CaseReceived"
    case_id: uuid.UUID


class ReferralAssigned(Event):
    type: ClassVar[str] = "ReferralAssigned"
    case_id: uuid.UUID
    referral_id: uuid.UUID
    pillar_code: str
    coordinator_id: uuid.UUID


class ReferralUnroutable(Event):
    """No active coordinator of the pillar serves the village at any level."""

    type: ClassVar[str] = "ReferralUnroutable"
    case_id: uuid.UUID
    referral_id: uuid.UUID
    pillar_code: str


EVENT_TYPES: dict[str, type[Event]] = {
    cls.type: cls for cls in (CaseReceived, ReferralAssigned, ReferralUnroutable)
}


class Envelope(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: uuid.UUID = Field(default_factory=uuid.uuid4)
    type: str
    version: int
    occurred_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    correlation_id: str
    payload: dict[str, Any]

    @classmethod
    def wrap(cls, event: Event, *, correlation_id: str) -> Envelope:
        return cls(
            type=event.type,
            version=event.version,
            correlation_id=correlation_id,
            payload=event.model_dump(mode="json"),
        )

    def event(self) -> Event:
        try:
            event_cls = EVENT_TYPES[self.type]
        except KeyError:
            raise ValueError(f"unknown event type {self.type!r}") from None
        return event_cls.model_validate(self.payload)
