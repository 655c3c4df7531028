"""Routing's reaction to events: assign a received case, exactly once per event."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.casefacts import case_facts
from shared.db import UowFactory
from shared.directory import LiveDirectory, SnapshotCache
from shared.domain.routing import engine as routing_engine
from shared.events import CaseReceived, Envelope, ReferralAssigned, ReferralUnroutable
from shared.models import Case, CaseEvent, Coordinator, Referral
from shared.models.base import utcnow
from shared.outbox import add_event, claim
from shared.rulestore import ActiveRules

log = logging.getLogger(__name__)
CONSUMER = "routing"


@dataclass
class Routing:
    """What the routing worker keeps between tasks: rules and directory, both cached."""

    rules: ActiveRules = field(default_factory=ActiveRules)
    directory: SnapshotCache = field(default_factory=SnapshotCache)
    today: Callable[[], date] = date.today


def handle(*, uow_factory: UowFactory, envelope: Envelope, routing: Routing) -> None:
    event = envelope.event()
    if isinstance(event, CaseReceived):
        route_case(uow_factory=uow_factory, envelope=envelope, event=event, routing=routing)
    else:
        log.info("routing ignores %s %s", envelope.type, envelope.id)


def route_case(
    *, uow_factory: UowFactory, envelope: Envelope, event: CaseReceived, routing: Routing
) -> None:
    with uow_factory() as uow:
        session = uow.session
        if not claim(session, consumer=CONSUMER, event_id=envelope.id):
            log.info("event %s already handled; skipping", envelope.id)
            return
        case = session.scalar(select(Case).where(Case.id == event.case_id).with_for_update())
        if case is None:
            raise LookupError(f"case {event.case_id} of event {envelope.id} does not exist")
        if case.status != "received":
            # Routed through another event (e.g. a reconciliation re-publish): nothing to do.
            uow.commit()
            return
        today = routing.today()
        directory = LiveDirectory(routing.directory.get(session), session, today=today)
        decisions = routing_engine.decide(
            case=case_facts(case, today=today),
            rules=routing.rules.get(session),
            directory=directory,
        )
        for decision in decisions:
            _record(session, case, decision, correlation_id=envelope.correlation_id)
        case.status = "routed"
        uow.commit()
    log.info(
        "case %s routed: %s [correlation %s]",
        event.case_id,
        ", ".join(
            f"{d.pillar}={'assigned' if d.coordinator_id else 'unassigned'}" for d in decisions
        ),
        envelope.correlation_id,
    )


def _record(
    session: Session, case: Case, decision: routing_engine.Decision, *, correlation_id: str
) -> None:
    referral = Referral(
        case_id=case.id,
        pillar_code=decision.pillar,
        coordinator_id=decision.coordinator_id,
        status="requested" if decision.coordinator_id else "unassigned",
        purpose=decision.purpose_id,
        purpose_en=decision.purpose_en,
        care=decision.care.value,
        start_level=decision.start_level.value,
        matched_level=decision.matched_level.value if decision.matched_level else None,
        rule_id=decision.rule_id,
        rules_version=decision.rules_version,
        explanation=decision.explanation,
    )
    session.add(referral)
    session.flush()
    if decision.coordinator_id is not None:
        session.get_one(Coordinator, decision.coordinator_id).last_assigned_at = utcnow()
        kind = "referral_assigned"
        add_event(
            session,
            ReferralAssigned(
                case_id=case.id,
                referral_id=referral.id,
                pillar_code=decision.pillar,
                coordinator_id=decision.coordinator_id,
            ),
            correlation_id=correlation_id,
        )
    else:
        kind = "referral_unroutable"
        add_event(
            session,
            ReferralUnroutable(
                case_id=case.id, referral_id=referral.id, pillar_code=decision.pillar
            ),
            correlation_id=correlation_id,
        )
    session.add(
        CaseEvent(
            case_id=case.id,
            kind=kind,
            actor="routing",
            data={
                "referral_id": str(referral.id),
                "pillar": decision.pillar,
                "coordinator_id": str(decision.coordinator_id) if decision.coordinator_id else None,
                "level": referral.matched_level,
                "rule_id": decision.rule_id,
            },
        )
    )
