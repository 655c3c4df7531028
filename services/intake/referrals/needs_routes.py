"""Needs without identities: what CSR partners (and supervisors) may see to offer help."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import AfterValidator

from services.intake.access.guard import access_of
from services.intake.deps import SessionDep
from services.intake.edge.textguard import GuardedRoute
from services.intake.referrals.needs import NeedRead, open_needs
from shared.domain import categories, regions

router = APIRouter(route_class=GuardedRoute, tags=["needs"])


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
    needs = open_needs(session, region=region, category=category, limit=limit)
    if (audited := access_of(request)) is not None:
        audited.touch(n.case_id for n in needs)
    return needs
