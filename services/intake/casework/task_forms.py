"""What the case page's supervisor forms offer and check: the coordinators a task may be
reassigned to (active, of the task's pillar, in the case's kab/kota or at its province)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from shared.domain.lifecycle import TransitionError
from shared.models import Case, Coordinator, Referral, Region
from shared.models.within import within_region

MAX_CHOICES = 200


@dataclass(frozen=True, slots=True)
class Choice:
    id: uuid.UUID
    name: str
    region_name: str
    kind: str


def coordinator_choices(session: Session, referral: Referral, case: Case) -> list[Choice]:
    """Active coordinators of the task's pillar in the case's kab/kota (at any level below
    it) or at its province, but not the one holding the task now; by name."""
    province, kabkota = case.village_code[:2], case.village_code[:5]
    rows = session.execute(
        select(Coordinator.id, Coordinator.name, Coordinator.kind, Region.name)
        .outerjoin(Region, Region.code == Coordinator.region_code)
        .where(
            Coordinator.active.is_(True),
            Coordinator.pillar_code == referral.pillar_code,
            or_(
                Coordinator.region_code == province,
                within_region(Coordinator.region_code, kabkota),
            ),
        )
        .order_by(Coordinator.name, Coordinator.id)
        .limit(MAX_CHOICES + 1)
    ).all()
    return [
        Choice(id=cid, name=name, region_name=region or "", kind=kind)
        for cid, name, kind, region in rows
        if cid != referral.coordinator_id
    ][:MAX_CHOICES]


def reassign_target(session: Session, referral_id: uuid.UUID, case: Case, value: str) -> uuid.UUID:
    """The coordinator picked on the form, if it is one the page offers."""
    if not value:
        raise TransitionError("invalid", "coordinator_id", "say whom to reassign the task to")
    try:
        wanted = uuid.UUID(value)
    except ValueError:
        raise TransitionError("invalid", "coordinator_id", "not a coordinator") from None
    referral = session.get(Referral, referral_id)
    if referral is None or referral.case_id != case.id:
        raise TransitionError("conflict", "action", "no such task on this case")
    if wanted not in {c.id for c in coordinator_choices(session, referral, case)}:
        raise TransitionError("invalid", "coordinator_id", "not a coordinator the page offers")
    return wanted
