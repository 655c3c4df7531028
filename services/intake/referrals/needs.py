"""Needs without identities: the open cases as CSR partners (and supervisors) may see them
to offer help."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.intake.referrals import views as queries
from shared.domain.lifecycle import CaseStatus
from shared.domain.routing.facts import Need
from shared.domain.urgency import Urgency
from shared.models import Case
from shared.models.within import within_region


class NeedRead(BaseModel):
    """A case as a need: never a name, NIK, birth date, contact or free-text description."""

    case_id: uuid.UUID
    category: str
    needs: list[Need]
    urgency: Urgency
    village: str
    kecamatan: str
    kab_kota: str
    status: str
    received_on: date


def open_needs(
    session: Session, *, region: str | None, category: str | None, limit: int
) -> list[NeedRead]:
    """Open needs in the session's scope (or in `region` within it), newest first."""
    query = select(Case).where(Case.status != CaseStatus.CLOSED).order_by(Case.created_at.desc())
    if region:
        query = query.where(within_region(Case.village_code, region))
    if category:
        query = query.where(Case.category_code == category)
    cases = session.scalars(query.limit(limit)).all()
    places = queries.places(session, (c.village_code for c in cases))
    return [
        NeedRead(
            case_id=c.id,
            category=c.category_code,
            needs=[Need(n) for n in c.needs],
            urgency=Urgency(c.urgency),
            village=places[c.village_code].village,
            kecamatan=places[c.village_code].kecamatan,
            kab_kota=places[c.village_code].kab_kota,
            status=c.status,
            received_on=c.created_at.date(),
        )
        for c in cases
    ]
