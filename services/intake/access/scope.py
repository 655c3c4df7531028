"""What rows an actor may see: enforced in one place, on the session itself.

Every session a request reads through (SessionDep, ReadOnlySessionDep) carries its actor;
an ORM event adds the actor's criteria to every SELECT of a case, a referral task, a
timeline entry or a notification made through it, however the query was written. A new
endpoint reading through that session cannot forget the scope, and a record outside it
is simply not found (404, never a hint that it exists).

- supervisors, admins, CSR partners: cases whose village lies in their jurisdiction;
- case workers: the cases they reported;
- coordinators: cases with a task held by them or their unit, or offered to them; of those
  cases, those tasks (and the tasks they referred onward) and their own notifications.

Writes go through the use cases (shared/casework/workflow.py), which decide by the actor's relation
to the task (role_of) with the same jurisdiction rule.
"""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, Select, and_, event, false, or_, select
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from shared.domain import pillars
from shared.domain.access import Relation, Role
from shared.domain.actor import Actor
from shared.models import Case, CaseEvent, Notification, Referral, ReferralOffer
from shared.models.within import within_region

_ACTOR = "sekber_actor"
_cases = Case.__table__.c
_referrals = Referral.__table__.c
_offers = ReferralOffer.__table__.c


def bind(session: Session, actor: Actor | None) -> Session:
    """From now on, this session sees only what `actor` may see (nothing personal when
    nobody is signed in)."""
    session.info[_ACTOR] = actor
    return session


def install() -> None:
    if not event.contains(Session, "do_orm_execute", _limit_to_scope):
        event.listen(Session, "do_orm_execute", _limit_to_scope)


def _limit_to_scope(state: ORMExecuteState) -> None:
    if _ACTOR not in state.session.info or not state.is_select:
        return
    if state.is_column_load or state.is_relationship_load:
        return
    actor: Actor | None = state.session.info[_ACTOR]
    visible = visible_case_ids(actor)
    state.statement = state.statement.options(
        with_loader_criteria(Case, _case_clause(actor), include_aliases=True),
        with_loader_criteria(Referral, _task_clause(actor, visible), include_aliases=True),
        with_loader_criteria(CaseEvent, CaseEvent.case_id.in_(visible), include_aliases=True),
        with_loader_criteria(
            Notification, _notification_clause(actor, visible), include_aliases=True
        ),
    )


def _holders(actor: Actor) -> list[uuid.UUID]:
    return [i for i in (actor.coordinator_id, actor.unit_id) if i is not None]


def _held_task_ids(actor: Actor) -> Select[tuple[uuid.UUID]]:
    """Tasks a coordinator holds (or their unit does), or is offered."""
    offered = (
        select(_offers.referral_id)
        .where(_offers.coordinator_id == actor.coordinator_id)
        .correlate(None)
    )
    return (
        select(_referrals.id)
        .where(or_(_referrals.coordinator_id.in_(_holders(actor)), _referrals.id.in_(offered)))
        .correlate(None)
    )


def visible_case_ids(actor: Actor | None) -> Select[tuple[uuid.UUID]]:
    """The ids of the cases `actor` may see, as a subquery (plain table columns, so the
    criteria above do not apply to themselves)."""
    return select(_cases.id).where(_case_clause(actor)).correlate(None)


def _case_clause(actor: Actor | None) -> ColumnElement[bool]:
    if actor is None:
        return false()
    if actor.kind in (Role.SUPERVISOR, Role.ADMIN, Role.CSR):
        return _within(actor.jurisdiction)
    if actor.kind == Role.CASE_WORKER:
        return _cases.reported_by == actor.label
    if actor.kind == Role.COORDINATOR and actor.coordinator_id is not None:
        return _cases.id.in_(
            select(_referrals.case_id)
            .where(_referrals.id.in_(_held_task_ids(actor)))
            .correlate(None)
        )
    return false()


def _within(jurisdiction: str) -> ColumnElement[bool]:
    return within_region(_cases.village_code, jurisdiction)


def _task_clause(actor: Actor | None, visible: Select[tuple[uuid.UUID]]) -> ColumnElement[bool]:
    in_visible_case = Referral.case_id.in_(visible)
    if actor is not None and actor.kind == Role.COORDINATOR:
        held = _held_task_ids(actor)
        return and_(in_visible_case, or_(Referral.id.in_(held), Referral.parent_id.in_(held)))
    return in_visible_case


def _notification_clause(
    actor: Actor | None, visible: Select[tuple[uuid.UUID]]
) -> ColumnElement[bool]:
    if actor is not None and actor.kind == Role.COORDINATOR:
        return Notification.coordinator_id.in_(_holders(actor))
    return Notification.case_id.in_(visible)


def can_see(session: Session, actor: Actor, param: str, value: str) -> bool:
    """Whether the record a path names (a case, task or notification) is in the actor's
    scope; a malformed id is left for the route's own validation."""
    bind(session, actor)
    if param in ("case_ref", "case_id"):
        try:
            found = session.get(Case, uuid.UUID(value))
        except ValueError:
            found = session.scalar(select(Case).where(Case.tracking_code == value.strip().upper()))
        return found is not None
    model = {"referral_id": Referral, "notification_id": Notification}[param]
    try:
        ident = uuid.UUID(value)
    except ValueError:
        return True
    return session.get(model, ident) is not None


def relation(session: Session, actor: Actor, case: Case) -> tuple[Relation, str, bool]:
    """How `actor` stands to `case`, the basis to record in the audit trail, and whether
    the pillar they serve it for works with identities."""
    if actor.kind == Role.COORDINATOR and actor.coordinator_id is not None:
        held = session.execute(
            select(_referrals.pillar_code).where(
                _referrals.case_id == case.id, _referrals.id.in_(_held_task_ids(actor))
            )
        ).scalars()
        codes = list(held)
        if codes:
            sees = any(pillars.BY_CODE[c].sees_identity for c in codes if c in pillars.BY_CODE)
            return Relation.ASSIGNEE, "assignee of a task", sees
    if actor.kind == Role.CASE_WORKER and case.reported_by == actor.label:
        return Relation.REPORTER, "reporter of the case", True
    if actor.kind in (Role.SUPERVISOR, Role.ADMIN) and actor.oversees(case.village_code):
        return Relation.OVERSIGHT, f"jurisdiction {actor.jurisdiction or 'national'}", True
    return Relation.NONE, "none", False
