"""Working a referral task: act on it, note on it, refer it onward. One unit of work per
call, committed once; a refused change leaves nothing behind."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from services.intake.casework import views as task_views
from services.intake.casework.schemas import NoteRead, OnwardCreated, TaskRead
from shared.casework import onward, workflow
from shared.db import UowFactory
from shared.domain.actor import Actor
from shared.domain.deadlines import DeadlinePolicy
from shared.domain.routing.facts import Care
from shared.models import Case, Coordinator, Referral
from shared.models.timeline import add_case_event


def act(
    *,
    uow_factory: UowFactory,
    referral_id: uuid.UUID,
    expected_version: int,
    change: workflow.Change,
    actor: Actor,
    now: datetime,
    policy: DeadlinePolicy,
) -> TaskRead:
    """Apply one life-cycle action; the task's new state as the actor now sees it."""
    with uow_factory() as uow:
        actor = named(uow.session, actor)
        referral = workflow.act(
            uow.session,
            referral_id=referral_id,
            expected_version=expected_version,
            change=change,
            actor=actor,
            now=now,
            policy=policy,
        )
        view = task_views.task_view(uow.session, referral, actor=actor, policy=policy, now=now)
        uow.commit()
    return view


def add_note(
    *,
    uow_factory: UowFactory,
    referral_id: uuid.UUID,
    actor: Actor,
    text: str,
    now: datetime,
) -> NoteRead:
    """A note on the case timeline, by the task's receiver, its sender or a supervisor."""
    with uow_factory() as uow:
        session = uow.session
        referral = session.get(Referral, referral_id)
        if referral is None:
            raise workflow.NotFound(f"no referral {referral_id}")
        case = session.get_one(Case, referral.case_id)
        actor = named(session, actor)
        workflow.role_of(session, actor, referral, case)  # raises when it is not theirs
        note = add_case_event(
            session,
            case_id=case.id,
            kind="note",
            actor=actor.name,
            occurred_at=now,
            data={"referral_id": str(referral.id), "text": text},
        )
        session.flush()
        view = NoteRead(kind=note.kind, actor=note.actor, occurred_at=now, data=note.data)
        uow.commit()
    return view


def refer_onward(
    *,
    uow_factory: UowFactory,
    parent_id: uuid.UUID,
    actor: Actor,
    pillar: str,
    purpose: str,
    care: Care,
    now: datetime,
    max_open_children: int = onward.DEFAULT_MAX_OPEN_CHILDREN,
) -> OnwardCreated:
    with uow_factory() as uow:
        child = onward.refer_onward(
            uow.session,
            parent_id=parent_id,
            actor=named(uow.session, actor),
            pillar=pillar,
            purpose=purpose,
            care=care,
            now=now,
            max_open_children=max_open_children,
        )
        created = OnwardCreated(
            id=child.id,
            parent_id=parent_id,
            case_id=child.case_id,
            pillar=child.pillar_code,
            status=child.status,
            start_level=child.start_level,
            links={"case": f"/api/v1/cases/{child.case_id}"},
        )
        uow.commit()
    return created


def named(session: Session, actor: Actor) -> Actor:
    """The actor with a name for the timeline: as given, a coordinator's from the
    directory, or else the label."""
    if actor.name:
        return actor
    coordinator = session.get(Coordinator, actor.coordinator_id) if actor.coordinator_id else None
    return Actor(actor.kind, actor.id, coordinator.name if coordinator else actor.label)
