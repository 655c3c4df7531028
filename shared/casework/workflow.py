"""Acting on referral tasks: the life cycle applied to the database, in the caller's
transaction (the caller commits once).

Every change checks the version the actor read (a stale one changes nothing), writes a
timeline entry and an event with the change, and keeps the case's status derived from its
tasks. A declined task, or one withdrawn for want of an answer, is replaced by a new task
that routing assigns to the next candidate.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.casework.taskbook import refresh_case_status, replace_task, start_clock
from shared.domain import lifecycle
from shared.domain.actor import Actor
from shared.domain.deadlines import DeadlinePolicy, Step
from shared.domain.lifecycle import Action, Outcome, Reason, Role, State, TransitionError
from shared.domain.urgency import Urgency
from shared.events import (
    ReferralAssigned,
    ReferralStatusChanged,
)
from shared.models import Case, Coordinator, Referral, ReferralOffer
from shared.models.timeline import add_case_event
from shared.outbox.store import add_event


class NotFound(LookupError):
    pass


class StaleVersion(Exception):
    """The task changed since the actor read it."""

    def __init__(self, current: int) -> None:
        super().__init__(f"the task changed since you read it (now version {current}); reload")
        self.current = current


@dataclass(frozen=True, slots=True)
class Change:
    action: Action
    reason: Reason | None = None
    note: str | None = None
    outcome: Outcome | None = None
    reassign_to: uuid.UUID | None = None


def role_of(session: Session, actor: Actor, referral: Referral, case: Case) -> Role:
    if actor.kind == "system":
        return Role.SYSTEM
    if actor.kind == "supervisor" and actor.oversees(case.village_code):
        return Role.SUPERVISOR
    if actor.kind == "coordinator" and actor.coordinator_id is not None:
        if actor.acts_for(referral.coordinator_id):
            return Role.RECEIVER
        offered = session.get(ReferralOffer, (referral.id, actor.coordinator_id))
        if offered is not None and offered.state == "offered":
            return Role.RECEIVER
    if actor.kind == "case_worker" and case.reported_by == actor.label:
        return Role.SENDER
    raise TransitionError("forbidden", "actor", "this task is neither yours nor one you sent")


def act(
    session: Session,
    *,
    referral_id: uuid.UUID,
    expected_version: int,
    change: Change,
    actor: Actor,
    now: datetime,
    policy: DeadlinePolicy,
) -> Referral:
    referral = session.scalar(select(Referral).where(Referral.id == referral_id).with_for_update())
    if referral is None:
        raise NotFound(f"no referral {referral_id}")
    if referral.version != expected_version:
        raise StaleVersion(referral.version)
    case = session.get_one(Case, referral.case_id)
    role = role_of(session, actor, referral, case)
    step = lifecycle.transition(
        State(referral.status), change.action, role, reason=change.reason, outcome=change.outcome
    )
    if _declines_one_offer(session, referral, change, actor):
        referral.version += 1
        add_case_event(
            session,
            case_id=case.id,
            kind="offer_declined",
            actor=actor.name,
            data={
                "referral_id": str(referral.id),
                "reason": change.reason.value if change.reason else None,
                "note": change.note,
            },
        )
        return referral
    withdrawn = _apply(session, referral, case, step, change, actor, now, policy)
    _record(session, referral, case, step, change, actor, withdrawn)
    if change.action is Action.REJECT or (
        change.action is Action.CANCEL and change.reason is Reason.NO_RESPONSE
    ):
        replace_task(session, referral, case, now=now)
    refresh_case_status(session, case)
    return referral


def _declines_one_offer(session: Session, referral: Referral, change: Change, actor: Actor) -> bool:
    """An offeree declining an emergency offer withdraws only their own offer; the task
    itself is rejected (and replaced) only when the last open offer is declined."""
    if change.action is not Action.REJECT or referral.coordinator_id is not None:
        return False
    offers = session.scalars(
        select(ReferralOffer).where(
            ReferralOffer.referral_id == referral.id, ReferralOffer.state == "offered"
        )
    ).all()
    mine = [o for o in offers if o.coordinator_id == actor.coordinator_id]
    for offer in mine:
        offer.state = "declined"
    return bool(mine) and len(offers) > len(mine)


def _apply(
    session: Session,
    referral: Referral,
    case: Case,
    step: lifecycle.Transition,
    change: Change,
    actor: Actor,
    now: datetime,
    policy: DeadlinePolicy,
) -> list[uuid.UUID]:
    withdrawn: list[uuid.UUID] = []
    if step.action is Action.ACCEPT:
        if referral.coordinator_id is None:  # an emergency offer: the first to accept wins
            referral.coordinator_id = actor.coordinator_id
            withdrawn = _settle_offers(session, referral)
        referral.accepted_at = now
        referral.contact_due_at = policy.due(Urgency(case.urgency), Step.FIRST_CONTACT, now)
    elif step.action is Action.START:
        referral.started_at = now
    elif step.action is Action.REASSIGN:
        target = _reassign_target(session, referral, change.reassign_to)
        referral.coordinator_id = target.id
        target.last_assigned_at = now
        withdrawn = _settle_offers(session, referral)  # an offered task is offered no more
        start_clock(referral, case, now=now, policy=policy)
        referral.accepted_at = referral.started_at = referral.contact_due_at = None
    if step.after in lifecycle.TERMINAL:
        referral.closed_at = now
    referral.status = step.after.value
    referral.version += 1
    referral.reason_code = change.reason.value if change.reason else referral.reason_code
    referral.reason_note = change.note if change.note is not None else referral.reason_note
    referral.outcome_code = change.outcome.value if change.outcome else None
    return withdrawn


def _settle_offers(session: Session, referral: Referral) -> list[uuid.UUID]:
    withdrawn = []
    for offer in session.scalars(
        select(ReferralOffer).where(ReferralOffer.referral_id == referral.id)
    ):
        if offer.coordinator_id == referral.coordinator_id:
            offer.state = "won"
        elif offer.state == "offered":
            offer.state = "withdrawn"
            withdrawn.append(offer.coordinator_id)
    return withdrawn


def _reassign_target(
    session: Session, referral: Referral, target_id: uuid.UUID | None
) -> Coordinator:
    if target_id is None:
        raise TransitionError("invalid", "coordinator_id", "say whom to reassign the task to")
    target = session.get(Coordinator, target_id)
    if target is None or not target.active or target.pillar_code != referral.pillar_code:
        raise TransitionError(
            "invalid", "coordinator_id", f"not an active {referral.pillar_code} coordinator"
        )
    return target


def _record(
    session: Session,
    referral: Referral,
    case: Case,
    step: lifecycle.Transition,
    change: Change,
    actor: Actor,
    withdrawn: list[uuid.UUID],
) -> None:
    data = {
        "referral_id": str(referral.id),
        "pillar": referral.pillar_code,
        "before": step.before.value,
        "after": step.after.value,
        "reason": change.reason.value if change.reason else None,
        "note": change.note,
        "outcome": change.outcome.value if change.outcome else None,
    }
    add_case_event(
        session,
        case_id=case.id,
        kind=f"referral_{step.action.value.replace('-', '_')}",
        actor=actor.name,
        data=data,
    )
    add_event(
        session,
        ReferralStatusChanged(
            case_id=case.id,
            referral_id=referral.id,
            pillar_code=referral.pillar_code,
            action=step.action.value,
            before=step.before.value,
            after=step.after.value,
            actor=actor.label,
            coordinator_id=referral.coordinator_id,
            reason=data["reason"],
            outcome=data["outcome"],
            withdrawn_from=withdrawn,
        ),
        correlation_id=case.correlation_id,
    )
    if step.action is Action.REASSIGN and referral.coordinator_id is not None:
        add_event(
            session,
            ReferralAssigned(
                case_id=case.id,
                referral_id=referral.id,
                pillar_code=referral.pillar_code,
                coordinator_id=referral.coordinator_id,
            ),
            correlation_id=case.correlation_id,
        )
