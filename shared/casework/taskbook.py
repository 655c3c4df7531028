"""Bookkeeping of a case's tasks shared by routing, the workflow and the scheduler:
deadline clocks, replacement tasks, the derived case status, who declined."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.domain import lifecycle
from shared.domain.deadlines import DeadlinePolicy, Step
from shared.domain.lifecycle import CaseStatus, Reason, State
from shared.domain.urgency import Urgency
from shared.events import CaseClosed, ReferralRouteRequested
from shared.models import Case, Referral, ReferralOffer
from shared.models.timeline import add_case_event
from shared.outbox.store import add_event


def start_clock(referral: Referral, case: Case, *, now: datetime, policy: DeadlinePolicy) -> None:
    """A task has just been given to someone: its acceptance and resolution clocks start."""
    urgency = Urgency(case.urgency)
    referral.assigned_at = now
    referral.accept_due_at = policy.due(urgency, Step.ACCEPT, now)
    referral.resolve_due_at = policy.due(urgency, Step.RESOLVE, now)
    referral.deadline_marks = []


def replace_task(session: Session, old: Referral, case: Case, *, now: datetime) -> Referral:
    """A new task for the same pillar and purpose, for routing to give to someone else."""
    new = Referral(
        case_id=case.id,
        pillar_code=old.pillar_code,
        status=State.ROUTING.value,
        replaces_id=old.id,
        parent_id=old.parent_id,
        purpose=old.purpose,
        purpose_en=old.purpose_en,
        care=old.care,
        start_level=old.start_level,
        rule_id=old.rule_id,
        rules_version=old.rules_version,
        explanation={},
        escalation_level=old.escalation_level,
        created_at=now,
    )
    session.add(new)
    session.flush()
    add_event(
        session,
        ReferralRouteRequested(case_id=case.id, referral_id=new.id, pillar_code=new.pillar_code),
        correlation_id=case.correlation_id,
    )
    return new


def refresh_case_status(
    session: Session, case: Case, *, tasks: Sequence[Referral] | None = None
) -> None:
    """The case's status from its tasks' states. `tasks`: every task of the case, when the
    caller holds them all (routing, which has just made a new case's tasks); else they are
    read."""
    if tasks is not None:
        rows: Sequence[Referral] = tasks
    else:
        session.flush()
        rows = session.scalars(select(Referral).where(Referral.case_id == case.id)).all()
    status = lifecycle.case_status([State(r.status) for r in rows])
    if status == case.status:
        return
    case.status = status
    if status == CaseStatus.CLOSED:
        outcomes = sorted({r.outcome_code or r.status for r in rows if r.status != "rejected"})
        add_case_event(
            session,
            case_id=case.id,
            kind="case_closed",
            actor="Sekber",
            data={"outcomes": outcomes},
        )
        add_event(
            session,
            CaseClosed(case_id=case.id, outcomes=outcomes),
            correlation_id=case.correlation_id,
        )


def declined_by(session: Session, case_id: uuid.UUID, pillar: str) -> frozenset[uuid.UUID]:
    """Coordinators who declined (or let lapse) a task or an offer of this case for this
    pillar: routing never gives the task back to them."""
    rows = session.scalars(
        select(Referral.coordinator_id).where(
            Referral.case_id == case_id,
            Referral.pillar_code == pillar,
            Referral.coordinator_id.is_not(None),
            (Referral.status == State.REJECTED.value)
            | (
                (Referral.status == State.CANCELLED.value)
                & (Referral.reason_code == Reason.NO_RESPONSE.value)
            ),
        )
    )
    # Offerees of an emergency task who declined their offer, or let it stand unanswered
    # until the task was withdrawn for want of an answer.
    lapsed = (Referral.status == State.CANCELLED.value) & (
        Referral.reason_code == Reason.NO_RESPONSE.value
    )
    offers = session.scalars(
        select(ReferralOffer.coordinator_id)
        .join(Referral, Referral.id == ReferralOffer.referral_id)
        .where(
            Referral.case_id == case_id,
            Referral.pillar_code == pillar,
            (ReferralOffer.state == "declined") | (lapsed & (ReferralOffer.state == "offered")),
        )
    )
    return frozenset(c for c in rows if c is not None) | frozenset(offers)
