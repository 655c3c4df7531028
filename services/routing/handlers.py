"""Routing's reaction to events: give each new or re-opened task to a coordinator,
exactly once per event."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session

from services.routing.assign import Stamps, new_referral, settle
from shared.casework.taskbook import declined_by, refresh_case_status
from shared.db import UowFactory
from shared.domain import deadlines
from shared.domain.lifecycle import CaseStatus, State
from shared.domain.regions import Level
from shared.domain.routing import engine as routing_engine
from shared.domain.routing.facts import Care
from shared.domain.routing.rules import PlannedTask, RuleSet, TaskTemplate
from shared.events import CaseReceived, Envelope, ReferralRouteRequested
from shared.models import Case, Referral
from shared.outbox.store import claim_many
from shared.routing.casefacts import case_facts
from shared.routing.directory import LiveDirectory, SnapshotCache
from shared.routing.rulestore import ActiveRules
from shared.runtime import logcontext
from shared.runtime.batches import report, run_split

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


# Errors that say the database or its connection went away: a batch meeting one is
# retried whole by its task, not split.
TRANSIENT = (OperationalError, InterfaceError)
_ROUTED = (CaseReceived, ReferralRouteRequested)


def handle(*, uow_factory: UowFactory, envelope: Envelope, routing: Routing) -> None:
    """Route one event (exactly once): a batch of one, whose error is raised as it is."""
    if envelope.type not in _ROUTED_TYPES:
        log.info("routing ignores %s %s", envelope.type, envelope.id)
        return
    _route_all(uow_factory, [envelope], routing)


def handle_batch(*, uow_factory: UowFactory, envelopes: list[Envelope], routing: Routing) -> None:
    """Route a batch of events in one transaction, in their order, each exactly once.

    A batch that fails is split (shared.runtime.batches) until the event that fails alone
    is found; the others commit. Those are logged and raised together at the end as
    PoisonedEvents, which ends the message as failed; the reconciliation sweep offers
    them again later."""
    wanted = [e for e in envelopes if e.type in _ROUTED_TYPES]
    for other in envelopes:
        if other.type not in _ROUTED_TYPES:
            log.info("routing ignores %s %s", other.type, other.id)
    poisoned = run_split(
        wanted, lambda part: _route_all(uow_factory, list(part), routing), transient=TRANSIENT
    )
    report(poisoned, what="routed")


_ROUTED_TYPES = frozenset(t.type for t in _ROUTED)
Routed = CaseReceived | ReferralRouteRequested


def _route_all(uow_factory: UowFactory, envelopes: list[Envelope], routing: Routing) -> None:
    """One transaction: claim the events in one statement, lock their cases in one (in
    id order, so two workers never wait on each other in a circle), route each event
    not handled before, commit once."""
    decisions: list[routing_engine.Decision] = []
    with uow_factory() as uow:
        session = uow.session
        fresh = claim_many(session, consumer=CONSUMER, event_ids=[e.id for e in envelopes])
        todo: list[tuple[Envelope, Routed]] = []
        for envelope in envelopes:
            event = envelope.event()
            if envelope.id not in fresh:
                log.info("event %s already handled; skipping", envelope.id)
            elif isinstance(event, _ROUTED):
                todo.append((envelope, event))
        cases = _locked_cases(session, {event.case_id for _, event in todo})
        stamps = Stamps()
        # One look at the active rule set for the whole batch (one transaction).
        rules = routing.rules.get(session) if todo else None
        for envelope, event in todo:
            with logcontext.correlated(envelope.correlation_id):
                case = cases.get(event.case_id)
                if case is None:
                    raise LookupError(f"case {event.case_id} does not exist")
                if isinstance(event, CaseReceived):
                    decisions += route_case(
                        session, case=case, routing=routing, stamps=stamps, rules=rules
                    )
                else:
                    decisions += route_task(
                        session, case=case, event=event, routing=routing, stamps=stamps, rules=rules
                    )
                log.info("%s %s routed", envelope.type, envelope.id)
        stamps.write(session)
        uow.commit()
    # Counted once committed: a transaction retried after a database error counts once.
    if routing.metrics is not None:
        for decision in decisions:
            routing.metrics.decision(decision)


def _locked_cases(session: Session, case_ids: set[uuid.UUID]) -> dict[uuid.UUID, Case]:
    if not case_ids:
        return {}
    found = session.scalars(
        select(Case).where(Case.id.in_(case_ids)).order_by(Case.id).with_for_update()
    )
    return {case.id: case for case in found}


def route_case(
    session: Session,
    *,
    case: Case,
    routing: Routing,
    stamps: Stamps,
    rules: RuleSet | None = None,
) -> list[routing_engine.Decision]:
    """A new case (locked by the caller): its tasks, each given to a coordinator."""
    if case.status != CaseStatus.RECEIVED:
        return []  # routed through another event (e.g. a reconciliation re-publish)
    now = routing.now()
    directory = LiveDirectory(
        routing.directory.get(session), session, today=now.date(), stamps=stamps.made
    )
    decisions = routing_engine.decide(
        case=case_facts(case, today=now.date()),
        rules=rules or routing.rules.get(session),
        directory=directory,
    )
    made = []
    for position, decision in enumerate(decisions):
        # One microsecond apart: the tasks keep the rules' order wherever they are listed
        # by creation time.
        created = now + timedelta(microseconds=position)
        referral = new_referral(case, decision, now=created)
        session.add(referral)
        _settle(session, case, referral, decision, now=now, routing=routing, stamps=stamps)
        made.append(referral)
    # A case still "received" has no task yet (the case row is locked): these are all.
    refresh_case_status(session, case, tasks=made)
    return decisions


def route_task(
    session: Session,
    *,
    case: Case,
    event: ReferralRouteRequested,
    routing: Routing,
    stamps: Stamps,
    rules: RuleSet | None = None,
) -> list[routing_engine.Decision]:
    """A task that replaces a declined one, or was referred onward: the next candidate,
    never one who declined this task before. The case is locked by the caller."""
    referral = session.get(Referral, event.referral_id)
    if referral is None or referral.status != State.ROUTING.value:
        return []
    now = routing.now()
    rules = rules or routing.rules.get(session)
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
    directory = LiveDirectory(
        routing.directory.get(session), session, today=now.date(), stamps=stamps.made
    )
    decision = routing_engine.decide_task(
        case=case_facts(case, today=now.date()),
        planned=planned,
        version=rules.version,
        directory=directory,
        excluded=declined_by(session, case.id, referral.pillar_code),
    )
    _settle(session, case, referral, decision, now=now, routing=routing, stamps=stamps)
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
    stamps: Stamps,
) -> None:
    settle(
        session,
        case=case,
        referral=referral,
        decision=decision,
        now=now,
        policy=routing.deadlines,
        broadcast_size=routing.broadcast_size,
        stamps=stamps,
    )
