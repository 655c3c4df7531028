from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AfterValidator

from services.intake.deps import SessionDep
from services.intake.edge.textguard import GuardedRoute
from services.intake.routing_admin import views as routing_views
from services.intake.routing_admin.schemas import UnassignedReferralRead
from shared.domain import regions

router = APIRouter(route_class=GuardedRoute, tags=["supervision"])


def _region_code(value: str | None) -> str | None:
    if value is None:
        return None
    code = value.strip()
    if not regions.is_well_formed(code):
        raise ValueError("must be a Kemendagri region code: 35, 35.08, 35.08.01 or 35.08.01.2001")
    return code


RegionPrefix = Annotated[
    str | None,
    Query(max_length=13, description="Only this region and below, e.g. 35.08"),
    AfterValidator(_region_code),
]
Limit = Annotated[int, Query(ge=1, le=500)]


@router.get("/referrals/unassigned", response_model=list[UnassignedReferralRead])
def list_unassigned_referrals(
    session: SessionDep, region: RegionPrefix = None, limit: Limit = 100
) -> list[UnassignedReferralRead]:
    """The supervisors' queue: referrals no coordinator could take, newest first."""
    return routing_views.unassigned(session, region=region, limit=limit)
