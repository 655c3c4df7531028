"""Directory look-ups: the candidates for a pillar around a village, with their open load."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.routing.engine import Candidate
from shared.domain import regions
from shared.models import Coordinator, Referral

OPEN_STATUSES = ("requested", "accepted", "in-progress", "on-hold")


def candidates_for(session: Session, *, pillar: str, village_code: str) -> list[Candidate]:
    coordinators = session.scalars(
        select(Coordinator).where(
            Coordinator.pillar_code == pillar,
            Coordinator.region_code.in_(regions.ancestors(village_code)),
        )
    ).all()
    if not coordinators:
        return []
    load: dict[uuid.UUID, int] = {
        coordinator_id: count
        for coordinator_id, count in session.execute(
            select(Referral.coordinator_id, func.count())
            .where(
                Referral.coordinator_id.in_([c.id for c in coordinators]),
                Referral.status.in_(OPEN_STATUSES),
            )
            .group_by(Referral.coordinator_id)
        )
        if coordinator_id is not None
    }
    return [
        Candidate(
            id=c.id,
            name=c.name,
            pillar=c.pillar_code,
            region_code=c.region_code,
            active=c.active,
            open_load=int(load.get(c.id, 0)),
            capacity=c.capacity,
            last_assigned_at=c.last_assigned_at,
        )
        for c in coordinators
    ]
