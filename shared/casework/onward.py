"""Referring a task onward: a child task for another pillar, linked to its parent."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.casework.taskbook import refresh_case_status
from shared.casework.workflow import NotFound, role_of
from shared.domain import pillars
from shared.domain.actor import Actor
from shared.domain.lifecycle import OPEN, Role, State, TransitionError
from shared.domain.regions import Level
from shared.domain.routing.facts import Care
from shared.events import ReferralRouteRequested
from shared.models import Case, Referral
from shared.models.timeline import add_case_event
from shared.outbox.store import add_event

# Where routing starts looking for the pillar of a task referred onward (DOMAIN.md §3).
_ONWARD_START = {
    "PSM": Level.VILLAGE,
    "PUSKESOS": Level.VILLAGE,
    "KARANG_TARUNA": Level.VILLAGE,
    "TKSK": Level.DISTRICT,
    "PKH": Level.DISTRICT,
    "JSC": Level.PROVINCE,
}
WORKING = frozenset({State.ACCEPTED, State.IN_PROGRESS, State.ON_HOLD})
PURPOSE_MAX = 200
# Open child tasks one task may have at once (SEKBER_ONWARD_MAX_OPEN_CHILDREN).
DEFAULT_MAX_OPEN_CHILDREN = 5


def onward_start_level(pillar: str, care: Care) -> Level:
    """Residential care is the province's duty; community care starts near the person."""
    if care is Care.RESIDENTIAL:
        return Level.PROVINCE
    return _ONWARD_START.get(pillar, Level.REGENCY)


def refer_onward(
    session: Session,
    *,
    parent_id: uuid.UUID,
    actor: Actor,
    pillar: str,
    purpose: str,
    care: Care,
    now: datetime,
    max_open_children: int = DEFAULT_MAX_OPEN_CHILDREN,
) -> Referral:
    """The receiver of a task in work asks another pillar to act on the same case: a child
    task, waiting in `routing` for the routing worker to pick its coordinator. A task has
    at most `max_open_children` open children at once.

    The purpose is free text in the receiver's words; it stands for both languages.
    """
    parent = session.scalar(select(Referral).where(Referral.id == parent_id).with_for_update())
    if parent is None:
        raise NotFound(f"no referral {parent_id}")
    case = session.get_one(Case, parent.case_id)
    if role_of(session, actor, parent, case) is not Role.RECEIVER:
        raise TransitionError("forbidden", "role", "only the receiver may refer this task onward")
    if State(parent.status) not in WORKING:
        raise TransitionError(
            "conflict",
            "action",
            f"a task that is {parent.status} cannot be referred onward; accept it first",
        )
    if pillar not in pillars.BY_CODE:
        raise TransitionError("invalid", "pillar", f"unknown pillar {pillar!r}")
    purpose = purpose.strip()
    if not purpose or len(purpose) > PURPOSE_MAX:
        raise TransitionError("invalid", "purpose", f"say why, in 1 to {PURPOSE_MAX} characters")
    open_children = session.scalar(
        select(func.count())
        .select_from(Referral)
        .where(Referral.parent_id == parent.id, Referral.status.in_([s.value for s in OPEN]))
    )
    if (open_children or 0) >= max_open_children:
        raise TransitionError(
            "conflict",
            "referral_id",
            f"this task has {open_children} open tasks referred onward already (at most "
            f"{max_open_children}); wait until one of them closes",
        )
    child = Referral(
        case_id=case.id,
        pillar_code=pillar,
        status=State.ROUTING.value,
        parent_id=parent.id,
        purpose=purpose,
        purpose_en=purpose,
        care=care.value,
        start_level=onward_start_level(pillar, care).value,
        rule_id="onward",
        rules_version="-",
        explanation={},
        created_at=now,
    )
    session.add(child)
    session.flush()
    add_case_event(
        session,
        case_id=case.id,
        kind="referral_onward",
        actor=actor.name,
        data={
            "referral_id": str(child.id),
            "parent_id": str(parent.id),
            "from_pillar": parent.pillar_code,
            "pillar": pillar,
            "purpose": purpose,
            "care": care.value,
        },
    )
    add_event(
        session,
        ReferralRouteRequested(case_id=case.id, referral_id=child.id, pillar_code=pillar),
        correlation_id=case.correlation_id,
    )
    refresh_case_status(session, case)
    return child
