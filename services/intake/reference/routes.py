from __future__ import annotations

from fastapi import APIRouter, Path

from services.intake.deps import SessionDep
from services.intake.edge.errors import refused
from services.intake.edge.textguard import GuardedRoute
from services.intake.referrals import views as queries
from services.intake.referrals.schemas import CategoryRead, RegionRead

router = APIRouter(route_class=GuardedRoute, tags=["reference"])


@router.get("/categories", response_model=list[CategoryRead])
def list_categories(session: SessionDep) -> list[CategoryRead]:
    """The 26 PPKS categories (Permensos 08/2012)."""
    return queries.list_categories(session)


@router.get("/regions/{code}", response_model=RegionRead, responses={404: {}})
def read_region(
    session: SessionDep,
    code: str = Path(max_length=13, pattern=r"^[0-9.]+$"),
) -> RegionRead:
    """A region by Kemendagri code, with the regions directly below it."""
    region = queries.region_with_children(session, code)
    if region is None:
        raise refused(404, ["path", "code"], "no such region", "not_found")
    return region
