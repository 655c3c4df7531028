"""Routing's reaction to events: assign a received case, exactly once per event."""

from __future__ import annotations

import logging

from sqlalchemy import select

from services.routing import directory
from services.routing import engine as routing_engine
from services.routing.rules import RuleSet
from shared.db import UowFactory
from shared.events import CaseReceived, Envelope, ReferralAssigned, ReferralUnroutable
from shared.models import Case, CaseEvent, Coordinator, Referral
from shared.models.base import utcnow
from shared.outbox import add_event, claim

log = logging.getLogger(__name__)
CONSUMER = "routing"


def handle(*, uow_factory: UowFactory, envelope: Envelope, rules: RuleSet) -> None:
    event = envelope.event()
    if isinstance(event, CaseReceived):
        route_case(uow_factory=uow_factory, envelope=envelope, event=event, rules=rules)
    else:
        log.info("routing ignores %s %s", envelope.type, envelope.id)


def route_case(
    *, uow_factory: UowFactory, envelope: Envelope, event: CaseReceived, rules: RuleSet
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
        facts = routing_engine.CaseFacts(case.category_code, case.village_code, case.urgency)
        rule = rules.for_category(case.category_code)
        candidates = directory.candidates_for(
            session, pillar=rule.pillar, village_code=case.village_code
        )
        decision = routing_engine.decide(case=facts, rules=rules, candidates=candidates)
        referral = Referral(
            case_id=case.id,
            pillar_code=decision.pillar,
            coordinator_id=decision.coordinator_id,
            status="requested" if decision.coordinator_id else "unassigned",
            purpose=decision.purpose,
            matched_level=decision.matched_level.value if decision.matched_level else None,
            rule_id=decision.rule_id,
            explanation=decision.explanation,
        )
        session.add(referral)
        case.status = "routed"
        session.flush()
        if decision.coordinator_id is not None:
            coordinator = session.get_one(Coordinator, decision.coordinator_id)
            coordinator.last_assigned_at = utcnow()
            kind = "referral_assigned"
            add_event(
                session,
                ReferralAssigned(
                    case_id=case.id,
                    referral_id=referral.id,
                    pillar_code=decision.pillar,
                    coordinator_id=decision.coordinator_id,
                ),
                correlation_id=envelope.correlation_id,
            )
        else:
            kind = "referral_unroutable"
            add_event(
                session,
                ReferralUnroutable(
                    case_id=case.id, referral_id=referral.id, pillar_code=decision.pillar
                ),
                correlation_id=envelope.correlation_id,
            )
        session.add(
            CaseEvent(
                case_id=case.id,
                kind=kind,
                actor="routing",
                data={
                    "referral_id": str(referral.id),
                    "pillar": decision.pillar,
                    "coordinator_id": str(decision.coordinator_id)
                    if decision.coordinator_id
                    else None,
                    "level": referral.matched_level,
                    "why": decision.explanation["why"],
                },
            )
        )
        uow.commit()
        log.info(
            "case %s routed to %s (%s) [correlation %s]",
            case.id,
            decision.pillar,
            kind,
            envelope.correlation_id,
        )
