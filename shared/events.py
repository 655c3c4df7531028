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


class ReferralOffered(Event):
    """An emergency task offered to several coordinators at once; the first to accept wins."""

    type: ClassVar[str] = "ReferralOffered"
    case_id: uuid.UUID
    referral_id: uuid.UUID
    pillar_code: str
    coordinator_ids: list[uuid.UUID]


class ReferralStatusChanged(Event):
    """A task moved in its life cycle (accepted, rejected, completed, ...)."""

    type: ClassVar[str] = "ReferralStatusChanged"
    case_id: uuid.UUID
    referral_id: uuid.UUID
    pillar_code: str
    action: str
    before: str
    after: str
    actor: str
    coordinator_id: uuid.UUID | None = None
    reason: str | None = None
    outcome: str | None = None
    # Offers withdrawn when an emergency task was taken by someone else.
    withdrawn_from: list[uuid.UUID] = []


class ReferralRouteRequested(Event):
    """A task needs a coordinator: it replaces a declined one, or was referred onward."""

    type: ClassVar[str] = "ReferralRouteRequested"
    case_id: uuid.UUID
    referral_id: uuid.UUID
    pillar_code: str


class ReferralDeadlineApproaching(Event):
    type: ClassVar[str] = "ReferralDeadlineApproaching"
    case_id: uuid.UUID
    referral_id: uuid.UUID
    step: str
    due_at: datetime


class ReferralEscalated(Event):
    """A deadline passed: the task is raised to the supervisors of a wider region."""

    type: ClassVar[str] = "ReferralEscalated"
    case_id: uuid.UUID
    referral_id: uuid.UUID
    step: str
    level: int  # 1: kab/kota, 2: province Sekber
    region_code: str


class CaseClosed(Event):
    """Every task of the case reached an end."""

    type: ClassVar[str] = "CaseClosed"
    case_id: uuid.UUID
    outcomes: list[str]


class ImportReceived(Event):
    """A spreadsheet of referrals was uploaded; its rows wait to be stored as cases."""

    type: ClassVar[str] = "ImportReceived"
    import_id: uuid.UUID


class CaseMerged(Event):
    """A supervisor merged a duplicate case into another case of the same person."""

    type: ClassVar[str] = "CaseMerged"
    case_id: uuid.UUID
    into_case_id: uuid.UUID
    actor: str
    withdrawn: list[uuid.UUID]


class CaseMergeUndone(Event):
    """A supervisor undid a merge: the case is open again, its withdrawn tasks re-routed."""

    type: ClassVar[str] = "CaseMergeUndone"
    case_id: uuid.UUID
    into_case_id: uuid.UUID
    actor: str


class NotificationReplayRequested(Event):
    """Someone asked for a dead or failed notification to be delivered again; the row was
    set back to pending with the event."""

    type: ClassVar[str] = "NotificationReplayRequested"
    notification_id: uuid.UUID
    case_id: uuid.UUID


class MessageReceived(Event):
    """The messaging gateway delivered a message (SMS, WhatsApp, Telegram); it waits to be
    read and acted on (docs/messaging.md)."""

    type: ClassVar[str] = "MessageReceived"
    message_id: uuid.UUID


class MessageAnswered(Event):
    """An inbound message was handled; its reply waits to be sent to the sender."""

    type: ClassVar[str] = "MessageAnswered"
    message_id: uuid.UUID


EVENT_TYPES: dict[str, type[Event]] = {
    cls.type: cls
    for cls in (
        CaseReceived,
        ReferralAssigned,
        ReferralUnroutable,
        ReferralOffered,
        ReferralStatusChanged,
        ReferralRouteRequested,
        ReferralDeadlineApproaching,
        ReferralEscalated,
        CaseClosed,
        CaseMerged,
        CaseMergeUndone,
        NotificationReplayRequested,
        ImportReceived,
        MessageReceived,
        MessageAnswered,
    )
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
