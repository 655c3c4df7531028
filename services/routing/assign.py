"""Turning a routing decision into a task someone holds: assignment, offers, clocks, events."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, update
from sqlalchemy.orm import Session

from shared.casework.taskbook import start_clock
from shared.domain.deadlines import DeadlinePolicy
from shared.domain.lifecycle import State
from shared.domain.routing.engine import Decision
from shared.events import Event, ReferralAssigned, ReferralOffered, ReferralUnroutable
from shared.models import Case, Coordinator, Referral, ReferralOffer
from shared.models.timeline import add_case_event
from shared.outbox.store import add_event


@dataclass
class Stamps:
    """The coordinators given work in this transaction and when, written at its end in one
    UPDATE (write), so that no coordinator's row is locked for the length of a batch (a
    second routing worker giving the same coordinator work would wait for all of it).
    Decisions later in the batch read them through LiveDirectory(stamps=...)."""

    made: dict[uuid.UUID, datetime] = field(default_factory=dict)

    def mark(self, ids: list[uuid.UUID], *, now: datetime) -> None:
        for coordinator_id in ids:
            self.made[coordinator_id] = now

    def write(self, session: Session) -> None:
        """Stamp every coordinator in id order (two workers never wait on each other in a
        circle), without loading them (the round-robin reads it in the directory's query)."""
        if not self.made:
            return
        rows = [{"cid": cid, "at": self.made[cid]} for cid in sorted(self.made)]
        table = cast(Table, Coordinator.__table__)
        # The table, not the entity: one executemany, not the ORM's bulk update.
        session.connection().execute(
            update(table)
            .where(table.c.id == bindparam("cid"))
            .values(last_assigned_at=bindparam("at")),
            rows,
        )
        self.made.clear()


def settle(
    session: Session,
    *,
    case: Case,
    referral: Referral,
    decision: Decision,
    now: datetime,
    policy: DeadlinePolicy,
    broadcast_size: int,
    stamps: Stamps,
) -> None:
    """Give `referral` (new or waiting in `routing`) to the decision's coordinator, offer it
    to the best few at once when the case is an emergency, or leave it for the supervisors.
    The coordinators' last assignment goes into `stamps`, written by the caller."""
    referral.explanation = decision.explanation
    referral.matched_level = decision.matched_level.value if decision.matched_level else None
    referral.rules_version = decision.rules_version
    offered = list(decision.ranked[:broadcast_size]) if case.urgency == "emergency" else []
    event: Event
    if len(offered) > 1:
        referral.status = State.REQUESTED.value
        referral.coordinator_id = None
        start_clock(referral, case, now=now, policy=policy)
        session.flush()
        for coordinator_id in offered:
            session.add(ReferralOffer(referral_id=referral.id, coordinator_id=coordinator_id))
        stamps.mark(offered, now=now)
        event = ReferralOffered(
            case_id=case.id,
            referral_id=referral.id,
            pillar_code=referral.pillar_code,
            coordinator_ids=offered,
        )
        kind = "referral_offered"
    elif decision.coordinator_id is not None:
        referral.status = State.REQUESTED.value
        referral.coordinator_id = decision.coordinator_id
        start_clock(referral, case, now=now, policy=policy)
        session.flush()
        stamps.mark([decision.coordinator_id], now=now)
        event = ReferralAssigned(
            case_id=case.id,
            referral_id=referral.id,
            pillar_code=referral.pillar_code,
            coordinator_id=decision.coordinator_id,
        )
        kind = "referral_assigned"
    else:
        referral.status = State.UNASSIGNED.value
        referral.coordinator_id = None
        session.flush()
        event = ReferralUnroutable(
            case_id=case.id, referral_id=referral.id, pillar_code=referral.pillar_code
        )
        kind = "referral_unroutable"
    add_event(session, event, correlation_id=case.correlation_id)
    add_case_event(
        session,
        case_id=case.id,
        kind=kind,
        actor="routing",
        data={
            "referral_id": str(referral.id),
            "pillar": referral.pillar_code,
            "coordinator_id": str(referral.coordinator_id) if referral.coordinator_id else None,
            "offered_to": [str(c) for c in offered] if len(offered) > 1 else [],
            "level": referral.matched_level,
            "rule_id": referral.rule_id,
        },
    )


def new_referral(case: Case, decision: Decision, *, now: datetime) -> Referral:
    return Referral(
        case_id=case.id,
        pillar_code=decision.pillar,
        status=State.ROUTING.value,
        purpose=decision.purpose_id,
        purpose_en=decision.purpose_en,
        care=decision.care.value,
        start_level=decision.start_level.value,
        rule_id=decision.rule_id,
        rules_version=decision.rules_version,
        explanation={},
        created_at=now,
    )
