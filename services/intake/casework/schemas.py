"""The public contract of casework: a coordinator's inbox and what people do to a task."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StringConstraints, field_validator

from services.intake.referrals.schemas import (
    CategoryRead,
    CoordinatorRead,
    DueTimes,
    OneLine,
    PlaceRead,
)
from services.intake.routing_admin.schemas import Purpose
from shared.casework.onward import PURPOSE_MAX
from shared.domain import pillars
from shared.domain.deadlines import Standing, Step
from shared.domain.lifecycle import Action, Outcome, Reason
from shared.domain.routing.facts import Care
from shared.domain.urgency import Urgency

NOTE_MAX = 2000

Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=NOTE_MAX)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=NOTE_MAX)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TaskRead(BaseModel):
    """One referral task as the people working it see it: the need, not the person."""

    id: uuid.UUID
    version: int = Field(description="Send it back with the next action (or as If-Match)")
    status: str
    pillar: str
    purpose: Purpose
    care: str
    coordinator: CoordinatorRead | None = Field(description="Who holds it; none while offered")
    parent_id: uuid.UUID | None
    replaces_id: uuid.UUID | None
    reason_code: str | None
    outcome_code: str | None
    case_id: uuid.UUID
    tracking_code: str
    category: CategoryRead
    urgency: Urgency
    place: PlaceRead
    beneficiary_initials: str | None = Field(
        description="Initials only; none for pillars that never see identities (CSR)"
    )
    due: DueTimes
    standing: dict[Step, Standing] = Field(
        description="How each open step stands now: on_track, at_risk or breached"
    )
    offered: bool = Field(description="Offered to several at once: the first to accept wins")
    allowed_actions: list[Action] = Field(description="What the caller may do now")


class InboxPage(BaseModel):
    items: list[TaskRead]
    total: int
    limit: int
    offset: int


class ActionIn(_In):
    version: StrictInt | None = Field(
        default=None, ge=1, description="The version you read; or send If-Match instead"
    )
    reason: Reason | None = Field(
        default=None, description="Required to reject, cancel, hold and fail"
    )
    note: Note | None = None
    outcome: Outcome | None = Field(default=None, description="Required to complete")
    coordinator_id: uuid.UUID | None = Field(
        default=None, description="Whom to reassign the task to (reassign only)"
    )

    @field_validator("note")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None


class NoteIn(_In):
    text: Text


class OnwardIn(_In):
    pillar: str = Field(description="The pillar asked to act, e.g. CSR, LKS, PSM")
    purpose: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=PURPOSE_MAX),
        OneLine,
    ]
    care: Care = Care.COMMUNITY

    @field_validator("pillar")
    @classmethod
    def _known_pillar(cls, value: str) -> str:
        code = value.strip().upper()
        if code not in pillars.BY_CODE:
            raise ValueError(f"unknown pillar {value!r}; one of {', '.join(pillars.BY_CODE)}")
        return code


class OnwardCreated(BaseModel):
    id: uuid.UUID = Field(description="The new task, waiting for routing")
    parent_id: uuid.UUID
    case_id: uuid.UUID
    pillar: str
    status: str
    start_level: str
    links: dict[str, str]


class NoteRead(BaseModel):
    kind: str
    actor: str
    occurred_at: datetime
    data: dict[str, str]
