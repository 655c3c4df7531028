"""Needs without identities: what CSR partners (and supervisors) may see to offer help."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import AfterValidator, BaseModel
from sqlalchemy import select

from services.intake.access.guard import access_of
from services.intake.deps import SessionDep
from services.intake.edge.textguard import GuardedRoute
from services.intake.referrals import views as queries
from shared.domain import categories, regions
from shared.domain.routing.facts import Need
from shared.domain.urgency import Urgency
from shared.models import Case

router = APIRouter(route_class=GuardedRoute, tags=["needs"])


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


def _region(value: str | None) -> str | None:
    if value is not None and not regions.is_well_formed(value.strip()):
        raise ValueError("must be a Kemendagri region code such as 35 or 35.08")
    return value.strip() if value else None


def _category(value: str | None) -> str | None:
    if value is not None and value.strip().upper() not in categories.BY_CODE:
        raise ValueError("unknown PPKS category; see GET /api/v1/categories")
    return value.strip().upper() if value else None


@router.get("/needs", response_model=list[NeedRead])
def list_needs(
    request: Request,
    session: SessionDep,
    region: Annotated[str | None, Query(max_length=13), AfterValidator(_region)] = None,
    category: Annotated[str | None, Query(max_length=10), AfterValidator(_category)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[NeedRead]:
    """Open needs in your jurisdiction (or in `region` within it), newest first."""
    query = select(Case).where(Case.status != "closed").order_by(Case.created_at.desc())
    if region:
        query = query.where(
            (Case.village_code == region) | Case.village_code.startswith(region + ".")
        )
    if category:
        query = query.where(Case.category_code == category)
    cases = session.scalars(query.limit(limit)).all()
    places = queries.places(session, (c.village_code for c in cases))
    if (audited := access_of(request)) is not None:
        audited.touch(c.id for c in cases)
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
