"""What the API says about a notification: no address and no message text, which may hold
personal data; the case link leads to the rest."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict


class NotificationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    referral_id: uuid.UUID | None
    coordinator_id: uuid.UUID | None
    kind: str
    channel: str
    state: str
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
