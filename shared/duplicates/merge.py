"""Merging a duplicate case into the case of the same person that stays, and undoing it
within a day, in the caller's transaction (the caller commits once).

The duplicate's open tasks are cancelled with the coded reason `duplicate` (their
coordinators are told: services/notify), which closes it; `merged_into` names the case that
stays. Notes and timeline stay where they were written and each case's page links to the
other; both timelines, the event CaseMerged and the audit trail say who merged what.
Undoing gives each withdrawn task a successor for routing (the same pillar and purpose) or,
for a case routing had not reached, receives it again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session

from shared.casework import workflow
from shared.casework.taskbook import refresh_case_status, replace_task
from shared.domain import lifecycle
from shared.domain.actor import Actor
from shared.domain.deadlines import DeadlinePolicy
from shared.domain.lifecycle import Action, CaseStatus, Reason
from shared.events import CaseMerged, CaseMergeUndone, CaseReceived
from shared.models import Case, CaseEvent, PossibleDuplicate, Referral
from shared.models.timeline import add_case_event
from shared.outbox.store import add_event

UNDO_WITHIN = timedelta(hours=24)


class MergeRefused(ValueError):
    """The merge (or its undo) cannot be done: `field` names the part at fault, `status`
    the HTTP answer (409: the cases' state; 422: the request; 403: out of scope)."""

    def __init__(self, field: str, message: str, *, status: int = 409, kind: str = "conflict"):
        super().__init__(message)
        self.field = field
        self.status = status
        self.kind = kind


@dataclass(frozen=True, slots=True)
class Merged:
    case: Case
    into: Case
    withdrawn: list[uuid.UUID]


def merge(
    session: Session, *, case: Case, into: Case, actor: Actor, now: datetime, policy: DeadlinePolicy
) -> Merged:
    """Close `case` as a duplicate of `into`."""
    _check(case, into, actor)
    withdrawn: list[uuid.UUID] = []
    note = f"Digabung ke {into.tracking_code} (duplikat)"
    open_tasks = session.scalars(
        select(Referral)
        .where(Referral.case_id == case.id, Referral.status.in_([s.value for s in lifecycle.OPEN]))
        .order_by(Referral.created_at)
    ).all()
    for task in open_tasks:
        workflow.act(
            session,
            referral_id=task.id,
            expected_version=task.version,
            change=workflow.Change(Action.CANCEL, reason=Reason.DUPLICATE, note=note),
            actor=actor,
            now=now,
            policy=policy,
        )
        withdrawn.append(task.id)
    case.merged_into_id = into.id
    case.merged_at = now
    case.merged_by = actor.label
    if case.status == CaseStatus.RECEIVED:  # routing had not reached it: it never will
        case.status = CaseStatus.CLOSED
    _resolve_flags(session, case.id, into.id, "merged", actor, now)
    ids = [str(t) for t in withdrawn]
    add_case_event(
        session,
        case_id=case.id,
        kind="case_merged_into",
        actor=actor.name,
        data={"tracking_code": into.tracking_code, "case_id": str(into.id), "withdrawn": ids},
    )
    add_case_event(
        session,
        case_id=into.id,
        kind="case_merged_from",
        actor=actor.name,
        data={"tracking_code": case.tracking_code, "case_id": str(case.id)},
    )
    add_event(
        session,
        CaseMerged(case_id=case.id, into_case_id=into.id, actor=actor.label, withdrawn=withdrawn),
        correlation_id=case.correlation_id,
    )
    return Merged(case=case, into=into, withdrawn=withdrawn)


def undo(session: Session, *, case: Case, actor: Actor, now: datetime) -> Case:
    """Open a merged case again (within UNDO_WITHIN of the merge)."""
    if case.merged_into_id is None or case.merged_at is None:
        raise MergeRefused("case", f"{case.tracking_code} is not merged into another case")
    if not actor.oversees(case.village_code):
        raise MergeRefused(
            "case",
            "this case lies outside your jurisdiction",
            status=403,
            kind="outside_jurisdiction",
        )
    if now - case.merged_at > UNDO_WITHIN:
        raise MergeRefused(
            "case",
            f"{case.tracking_code} was merged more than a day ago; a merge can be undone "
            "for a day only: submit a new referral instead",
        )
    into = session.get_one(Case, case.merged_into_id)
    entry = session.scalars(
        select(CaseEvent)
        .where(CaseEvent.case_id == case.id, CaseEvent.kind == "case_merged_into")
        .order_by(CaseEvent.id.desc())
        .limit(1)
    ).first()
    withdrawn = [uuid.UUID(i) for i in (entry.data.get("withdrawn", []) if entry else [])]
    case.merged_into_id = case.merged_at = case.merged_by = None
    if withdrawn:
        for task in session.scalars(select(Referral).where(Referral.id.in_(withdrawn))):
            replace_task(session, task, case, now=now)
        refresh_case_status(session, case)
    else:
        case.status = CaseStatus.RECEIVED
        add_event(session, CaseReceived(case_id=case.id), correlation_id=case.correlation_id)
    session.execute(
        update(PossibleDuplicate)
        .where(_pair(case.id, into.id), PossibleDuplicate.resolution == "merged")
        .values(resolution=None, resolved_by=None, resolved_at=None)
    )
    add_case_event(
        session,
        case_id=case.id,
        kind="case_merge_undone",
        actor=actor.name,
        data={"tracking_code": into.tracking_code, "case_id": str(into.id)},
    )
    add_case_event(
        session,
        case_id=into.id,
        kind="case_merge_undone",
        actor=actor.name,
        data={"tracking_code": case.tracking_code, "case_id": str(case.id)},
    )
    add_event(
        session,
        CaseMergeUndone(case_id=case.id, into_case_id=into.id, actor=actor.label),
        correlation_id=case.correlation_id,
    )
    return case


def dismiss(session: Session, *, case: Case, other: Case, actor: Actor, now: datetime) -> None:
    """A supervisor says the two are not the same person: the flag is not shown again."""
    for c in (case, other):
        if not actor.oversees(c.village_code):
            raise MergeRefused(
                "case",
                f"{c.tracking_code} lies outside your jurisdiction",
                status=403,
                kind="outside_jurisdiction",
            )
    flagged = session.scalars(select(PossibleDuplicate).where(_pair(case.id, other.id))).all()
    if not flagged:
        raise MergeRefused(
            "other",
            f"{case.tracking_code} and {other.tracking_code} are not "
            "flagged as possible duplicates",
            status=404,
            kind="not_found",
        )
    if all(p.resolution == "dismissed" for p in flagged):
        return
    _resolve_flags(session, case.id, other.id, "dismissed", actor, now)
    for a, b in ((case, other), (other, case)):
        add_case_event(
            session,
            case_id=a.id,
            kind="duplicate_dismissed",
            actor=actor.name,
            data={"tracking_code": b.tracking_code, "case_id": str(b.id)},
        )


def _check(case: Case, into: Case, actor: Actor) -> None:
    if case.id == into.id:
        raise MergeRefused(
            "into", "a case cannot be merged into itself", status=422, kind="invalid"
        )
    if not actor.oversees(case.village_code):
        raise MergeRefused(
            "case",
            f"{case.tracking_code} lies outside your jurisdiction",
            status=403,
            kind="outside_jurisdiction",
        )
    if not actor.oversees(into.village_code):  # not there for this supervisor
        raise MergeRefused(
            "into", "no such case in your jurisdiction", status=404, kind="not_found"
        )
    if case.merged_into_id is not None:
        raise MergeRefused("case", f"{case.tracking_code} is already merged into another case")
    if into.merged_into_id is not None:
        raise MergeRefused(
            "into", f"{into.tracking_code} was itself merged into another case; merge into that one"
        )
    if into.status == CaseStatus.CLOSED and case.status != CaseStatus.CLOSED:
        raise MergeRefused(
            "into",
            f"{into.tracking_code} is closed and {case.tracking_code} is not: merge the closed "
            f"case into the open one ({case.tracking_code}) so no open task is lost",
        )


def _pair(a: uuid.UUID, b: uuid.UUID) -> ColumnElement[bool]:
    return or_(
        (PossibleDuplicate.case_id == a) & (PossibleDuplicate.other_id == b),
        (PossibleDuplicate.case_id == b) & (PossibleDuplicate.other_id == a),
    )


def _resolve_flags(
    session: Session, a: uuid.UUID, b: uuid.UUID, resolution: str, actor: Actor, now: datetime
) -> None:
    session.execute(
        update(PossibleDuplicate)
        .where(_pair(a, b))
        .values(resolution=resolution, resolved_by=actor.label, resolved_at=now)
    )
