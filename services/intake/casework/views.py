"""Read side of casework: a coordinator's inbox and one task as its actor sees it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import case as sql_case
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from services.intake.casework import clocks
from services.intake.casework.schemas import InboxPage, TaskRead
from services.intake.referrals import views as queries
from services.intake.referrals.schemas import CategoryRead, CoordinatorRead, PlaceRead
from services.intake.routing_admin.schemas import Purpose
from shared.casework import workflow
from shared.domain import lifecycle, pillars
from shared.domain.actor import Actor
from shared.domain.deadlines import DeadlinePolicy
from shared.domain.lifecycle import Role, State, TransitionError
from shared.domain.urgency import Urgency
from shared.models import Case, Category, Coordinator, Referral, ReferralOffer

# What an inbox lists when no status is asked for: the tasks that wait on the coordinator.
INBOX_DEFAULT = (State.REQUESTED, State.ACCEPTED, State.IN_PROGRESS, State.ON_HOLD)


def inbox(
    session: Session,
    *,
    coordinator_id: uuid.UUID,
    statuses: Sequence[State],
    urgency: Urgency | None,
    pillar: str | None,
    limit: int,
    offset: int,
    policy: DeadlinePolicy,
    now: datetime,
) -> InboxPage:
    """Tasks assigned to the coordinator or offered to them (and still open for the taking),
    emergencies first, then the soonest due.

    Tasks offered to the coordinator's unit are not listed yet: a coordinator of kind
    "unit" is an organisation, and nothing records which people belong to it.
    """
    offered_to_me = select(ReferralOffer.referral_id).where(
        ReferralOffer.coordinator_id == coordinator_id, ReferralOffer.state == "offered"
    )
    stmt = (
        select(Referral, Case)
        .join(Case, Case.id == Referral.case_id)
        .where(
            or_(Referral.coordinator_id == coordinator_id, Referral.id.in_(offered_to_me)),
            Referral.status.in_([s.value for s in statuses or INBOX_DEFAULT]),
        )
    )
    if urgency is not None:
        stmt = stmt.where(Case.urgency == urgency.value)
    if pillar is not None:
        stmt = stmt.where(Referral.pillar_code == pillar)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    urgency_rank = sql_case(
        {u.value: u.rank for u in Urgency}, value=Case.urgency, else_=len(Urgency)
    )
    rows = session.execute(
        stmt.order_by(
            urgency_rank, clocks.next_due().nulls_last(), Referral.created_at, Referral.id
        )
        .limit(limit)
        .offset(offset)
    ).all()
    pairs = [(r, c) for r, c in rows]
    items = _views(
        session,
        pairs,
        roles={r.id: Role.RECEIVER for r, _ in pairs},
        offered={r.id: r.coordinator_id != coordinator_id for r, _ in pairs},
        policy=policy,
        now=now,
    )
    return InboxPage(items=items, total=total, limit=limit, offset=offset)


def task_view(
    session: Session,
    referral: Referral,
    *,
    actor: Actor,
    policy: DeadlinePolicy,
    now: datetime,
) -> TaskRead:
    """One task as `actor` sees it, with what they may do next."""
    case = session.get_one(Case, referral.case_id)
    try:
        role: Role | None = workflow.role_of(session, actor, referral, case)
    except TransitionError:
        role = None  # a supervisor's or sender's view after handing the task on
    offered = (
        referral.coordinator_id is None
        and referral.status == State.REQUESTED.value
        and actor.coordinator_id is not None
        and role is Role.RECEIVER
    )
    [view] = _views(
        session,
        [(referral, case)],
        roles={referral.id: role},
        offered={referral.id: offered},
        policy=policy,
        now=now,
    )
    return view


def case_tasks(session: Session, case_id: uuid.UUID) -> Sequence[Referral]:
    """The case's tasks, oldest first."""
    return session.scalars(
        select(Referral).where(Referral.case_id == case_id).order_by(Referral.created_at)
    ).all()


def initials(name: str) -> str:
    """ "Siti Aminah" -> "S.A.": enough to tell tasks apart, not to identify the person."""
    letters = [word[0].upper() for word in name.split() if word[0].isalpha()][:4]
    return "".join(f"{letter}." for letter in letters) or "?"


def _views(
    session: Session,
    rows: Sequence[tuple[Referral, Case]],
    *,
    roles: dict[uuid.UUID, Role | None],
    offered: dict[uuid.UUID, bool],
    policy: DeadlinePolicy,
    now: datetime,
) -> list[TaskRead]:
    places: dict[str, PlaceRead] = queries.places(session, (c.village_code for _, c in rows))
    codes = {c.category_code for _, c in rows}
    categories = {
        c.code: CategoryRead(code=c.code, name_id=c.name_id, name_en=c.name_en)
        for c in session.scalars(select(Category).where(Category.code.in_(codes)))
    }
    holders = {r.coordinator_id for r, _ in rows if r.coordinator_id}
    coordinators = {
        c.id: CoordinatorRead(id=c.id, name=c.name, pillar=c.pillar_code, region_code=c.region_code)
        for c in session.scalars(select(Coordinator).where(Coordinator.id.in_(holders)))
    }
    views = []
    for referral, case in rows:
        role = roles[referral.id]
        pillar = pillars.BY_CODE.get(referral.pillar_code)
        sees_identity = pillar is None or pillar.sees_identity
        views.append(
            TaskRead(
                id=referral.id,
                version=referral.version,
                status=referral.status,
                pillar=referral.pillar_code,
                purpose=Purpose(id=referral.purpose, en=referral.purpose_en),
                care=referral.care,
                coordinator=coordinators.get(referral.coordinator_id)
                if referral.coordinator_id
                else None,
                parent_id=referral.parent_id,
                replaces_id=referral.replaces_id,
                reason_code=referral.reason_code,
                outcome_code=referral.outcome_code,
                case_id=case.id,
                tracking_code=case.tracking_code,
                category=categories[case.category_code],
                urgency=Urgency(case.urgency),
                place=places[case.village_code],
                beneficiary_initials=initials(case.beneficiary_name) if sees_identity else None,
                due=clocks.due_times(referral),
                standing=clocks.standing(referral, policy=policy, now=now),
                offered=offered[referral.id],
                allowed_actions=(
                    lifecycle.allowed_actions(State(referral.status), role) if role else []
                ),
            )
        )
    return views
