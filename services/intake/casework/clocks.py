"""A task's response clocks as people see them: when each step is due and how it stands.

The standing is computed with the deadline policy at request time, never stored, so a
changed policy shows at once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, case

from services.intake.referrals.schemas import DueTimes
from shared.casework.deadline_scan import clocks_of
from shared.domain import deadline_actions
from shared.domain.deadlines import DeadlinePolicy, Standing, Step
from shared.domain.lifecycle import State
from shared.models import Referral

_HELD = (State.REQUESTED, State.ACCEPTED, State.IN_PROGRESS, State.ON_HOLD)


def standing(referral: Referral, *, policy: DeadlinePolicy, now: datetime) -> dict[Step, Standing]:
    """Each open step's standing: the same reading the deadline scheduler acts on."""
    return deadline_actions.standings(clocks_of(referral), now=now, policy=policy)


def due_times(referral: Referral) -> DueTimes:
    return DueTimes(
        accept=referral.accept_due_at,
        first_contact=referral.contact_due_at,
        resolve=referral.resolve_due_at,
    )


def _earlier(a: Any, b: Any) -> ColumnElement[datetime]:
    """The earlier of two nullable times, in SQL that PostgreSQL and SQLite both run."""
    return case((a.is_(None), b), (b.is_(None), a), (a <= b, a), else_=b)


def next_due() -> ColumnElement[datetime]:
    """The earliest due time among the open steps, for ordering a list in SQL."""
    r = Referral
    return case(
        (r.status == State.REQUESTED.value, _earlier(r.accept_due_at, r.resolve_due_at)),
        (r.status == State.ACCEPTED.value, _earlier(r.contact_due_at, r.resolve_due_at)),
        (r.status.in_([State.IN_PROGRESS.value, State.ON_HOLD.value]), r.resolve_due_at),
        else_=None,
    )
