"""Writing a case's timeline: one entry per call, added to the caller's session."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from shared.models.case import CaseEvent


def add_case_event(
    session: Session,
    *,
    case_id: uuid.UUID,
    kind: str,
    actor: str,
    data: dict[str, Any],
    occurred_at: datetime | None = None,
) -> CaseEvent:
    """Add one entry to the case's timeline: what happened (`kind`), who did it, and its
    facts; `occurred_at` is now (at the flush) unless given."""
    entry = CaseEvent(case_id=case_id, kind=kind, actor=actor, data=data)
    if occurred_at is not None:
        entry.occurred_at = occurred_at
    session.add(entry)
    return entry
