"""Routing's reaction to events: give each new or re-opened task to a coordinator,
exactly once per event."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.routing.assign import new_referral, settle
from shared.casework.taskbook import declined_by, refresh_case_status
from shared.db import UowFactory
from shared.domain import deadlines
from shared.domain.lifecycle import CaseStatus, State
from shared.domain.regions import Level
from shared.domain.routing import engine as routing_engine
from shared.domain.routing.facts import Care
from shared.domain.routing.rules import PlannedTask, TaskTemplate
from shared.events import CaseReceived, Envelope, ReferralRouteRequested
from shared.models import Case, Referral
from shared.outbox.store import claim
from shared.routing.casefacts import case_facts
from shared.routing.directory import LiveDirectory, SnapshotCache
from shared.routing.rulestore import ActiveRules

if TYPE_CHECKING:
    from shared.runtime.metrics import WorkerMetrics

log = logging.getLogger(__name__)
CONSUMER = "routing"


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Routing:
    """What the routing worker keeps between tasks: rules, directory and deadlines."""

    rules: ActiveRules = field(default_factory=ActiveRules)
    directory: SnapshotCache = field(default_factory=SnapshotCache)
    deadlines: deadlines.DeadlinePolicy = field(default_factory=deadlines.load)
    broadcast_size: int = 3
    now: Callable[[], datetime] = _now
    metrics: WorkerMetrics | None = None


def handle(*, uow_factory: UowFactory, envelope: Envelope, routing: Routing) -> None:
    event = envelope.event()
    if not isinstance(event, CaseReceived | ReferralRouteRequested):
        log.info("routing ignores %s %s", envelope.type, envelope.id)
        return
    with uow_factory() as uow:
        if not claim(uow.session, consumer=CONSUMER, event_id=envelope.id):
            log.info("event %s already handled; skipping", envelope.id)
            return
        if isinstance(event, CaseReceived):
            decisions = route_case(uow.session, event=event, routing=routing)
        else:
            decisions = route_task(uow.session, event=event, routing=routing)
        uow.commit()
    # Counted once committed: a transaction retried after a database error counts once.
    if routing.metrics is not None:
        for decision in decisions:
            routing.metrics.decision(decision)
    log.info("%s %s routed", envelope.type, envelope.id)


def _locked_case(session: Session, case_id: object) -> Case:
    case = session.scalar(select(Case).where(Case.id == case_id).with_for_update())
    if case is None:
        raise LookupError(f"case {case_id} does not exist")
    return case


def route_case(
    session: Session, *, event: CaseReceived, routing: Routing
) -> list[routing_engine.Decision]:
    case = _locked_case(session, event.case_id)
    if case.status != CaseStatus.RECEIVED:
        return []  # routed through another event (e.g. a reconciliation re-publish)
    now = routing.now()
    directory = LiveDirectory(routing.directory.get(session), session, today=now.date())
    decisions = routing_engine.decide(
        case=case_facts(case, today=now.date()),
        rules=routing.rules.get(session),
        directory=directory,
    )
    made = []
    for position, decision in enumerate(decisions):
        # One microsecond apart: the tasks keep the rules' order wherever they are listed
        # by creation time.
        created = now + timedelta(microseconds=position)
        referral = new_referral(case, decision, now=created)
        session.add(referral)
        _settle(session, case, referral, decision, now=now, routing=routing)
        made.append(referral)
    # A case still "received" has no task yet (the case row is locked): these are all.
    refresh_case_status(session, case, tasks=made)
    return decisions


def route_task(
    session: Session, *, event: ReferralRouteRequested, routing: Routing
) -> list[routing_engine.Decision]:
    """A task that replaces a declined one, or was referred onward: the next candidate,
    never one who declined this task before."""
    case = _locked_case(session, event.case_id)
    referral = session.get(Referral, event.referral_id)
    if referral is None or referral.status != State.ROUTING.value:
        return []
    now = routing.now()
    rules = routing.rules.get(session)
    planned = PlannedTask(
        referral.rule_id,
        TaskTemplate(
            referral.pillar_code,
            referral.purpose,
            referral.purpose_en,
            Level(referral.start_level),
            Care(referral.care),
        ),
    )
    directory = LiveDirectory(routing.directory.get(session), session, today=now.date())
    decision = routing_engine.decide_task(
        case=case_facts(case, today=now.date()),
        planned=planned,
        version=rules.version,
        directory=directory,
        excluded=declined_by(session, case.id, referral.pillar_code),
    )
    _settle(session, case, referral, decision, now=now, routing=routing)
    refresh_case_status(session, case)
    return [decision]


def _settle(
    session: Session,
    case: Case,
    referral: Referral,
    decision: routing_engine.Decision,
    *,
    now: datetime,
    routing: Routing,
) -> None:
    settle(
        session,
        case=case,
        referral=referral,
        decision=decision,
        now=now,
        policy=routing.deadlines,
        broadcast_size=routing.broadcast_size,
    )
