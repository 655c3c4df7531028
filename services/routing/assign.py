"""Turning a routing decision into a task someone holds: assignment, offers, clocks, events."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from shared.casework.taskbook import start_clock
from shared.domain.deadlines import DeadlinePolicy
from shared.domain.lifecycle import State
from shared.domain.routing.engine import Decision
from shared.events import Event, ReferralAssigned, ReferralOffered, ReferralUnroutable
from shared.models import Case, Coordinator, Referral, ReferralOffer
from shared.models.timeline import add_case_event
from shared.outbox.store import add_event


def settle(
    session: Session,
    *,
    case: Case,
    referral: Referral,
    decision: Decision,
    now: datetime,
    policy: DeadlinePolicy,
    broadcast_size: int,
) -> None:
    """Give `referral` (new or waiting in `routing`) to the decision's coordinator, offer it
    to the best few at once when the case is an emergency, or leave it for the supervisors."""
    referral.explanation = decision.explanation
    referral.matched_level = decision.matched_level.value if decision.matched_level else None
    referral.rules_version = decision.rules_version
    offered = list(decision.ranked[:broadcast_size]) if case.urgency == "emergency" else []
    event: Event
    if len(offered) > 1:
        referral.status = State.REQUESTED.value
        referral.coordinator_id = None
        start_clock(referral, case, now=now, policy=policy)
        session.flush()
        for coordinator_id in offered:
            session.add(ReferralOffer(referral_id=referral.id, coordinator_id=coordinator_id))
        _mark_assigned(session, offered, now=now)
        event = ReferralOffered(
            case_id=case.id,
            referral_id=referral.id,
            pillar_code=referral.pillar_code,
            coordinator_ids=offered,
        )
        kind = "referral_offered"
    elif decision.coordinator_id is not None:
        referral.status = State.REQUESTED.value
        referral.coordinator_id = decision.coordinator_id
        start_clock(referral, case, now=now, policy=policy)
        session.flush()
        _mark_assigned(session, [decision.coordinator_id], now=now)
        event = ReferralAssigned(
            case_id=case.id,
            referral_id=referral.id,
            pillar_code=referral.pillar_code,
            coordinator_id=decision.coordinator_id,
        )
        kind = "referral_assigned"
    else:
        referral.status = State.UNASSIGNED.value
        referral.coordinator_id = None
        session.flush()
        event = ReferralUnroutable(
            case_id=case.id, referral_id=referral.id, pillar_code=referral.pillar_code
        )
        kind = "referral_unroutable"
    add_event(session, event, correlation_id=case.correlation_id)
    add_case_event(
        session,
        case_id=case.id,
        kind=kind,
        actor="routing",
        data={
            "referral_id": str(referral.id),
            "pillar": referral.pillar_code,
            "coordinator_id": str(referral.coordinator_id) if referral.coordinator_id else None,
            "offered_to": [str(c) for c in offered] if len(offered) > 1 else [],
            "level": referral.matched_level,
            "rule_id": referral.rule_id,
        },
    )


def _mark_assigned(session: Session, ids: list[uuid.UUID], *, now: datetime) -> None:
    """Stamp the coordinators' last assignment in one UPDATE, without loading them first
    (the round-robin reads it back, in the directory's own query)."""
    result = session.execute(
        update(Coordinator).where(Coordinator.id.in_(ids)).values(last_assigned_at=now)
    )
    if int(result.rowcount) != len(ids):  # type: ignore[attr-defined]
        raise LookupError(f"coordinator(s) {ids} do not exist")


def new_referral(case: Case, decision: Decision, *, now: datetime) -> Referral:
    return Referral(
        case_id=case.id,
        pillar_code=decision.pillar,
        status=State.ROUTING.value,
        purpose=decision.purpose_id,
        purpose_en=decision.purpose_en,
        care=decision.care.value,
        start_level=decision.start_level.value,
        rule_id=decision.rule_id,
        rules_version=decision.rules_version,
        explanation={},
        created_at=now,
    )
