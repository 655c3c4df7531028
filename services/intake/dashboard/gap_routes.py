"""Service gaps by region (issue 26): GET /api/v1/dashboard/service-gaps, as JSON or
CSV, and the latest weekly digest of the worst gaps. Supervisors and admins, within
their jurisdiction; counts only, no person."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from services.intake.dashboard import checks, gaps
from services.intake.dashboard import schemas as out
from services.intake.deps import ActorDep, NowDep, ReadOnlySessionDep
from services.intake.edge.textguard import GuardedRoute
from services.intake.referrals.schemas import IsoDate

router = APIRouter(route_class=GuardedRoute, prefix="/dashboard", tags=["supervision"])

Region = Annotated[
    str | None,
    Query(max_length=13, description="A province (35: its kab/kota) or a kab/kota "
          "(35.07: its kecamatan); default: your jurisdiction"),
]  # fmt: skip
Pillar = Annotated[str | None, Query(max_length=16, description="One pillar; default all")]
First = Annotated[IsoDate | None, Query(alias="from", description="First WIB day")]
Last = Annotated[IsoDate | None, Query(alias="to", description="Last WIB day")]
Format = Annotated[Literal["json", "csv"], Query(description="csv: the items as text/csv")]


@router.get("/service-gaps", response_model=out.ServiceGapsRead, responses=checks.ANSWERS)
def service_gaps(
    session: ReadOnlySessionDep, actor: ActorDep, now: NowDep, region: Region = None,
    pillar: Pillar = None, first: First = None, last: Last = None, format: Format = "json",
) -> Any:  # fmt: skip
    """Every kab/kota of a province (or kecamatan of a kab/kota) x pillar, worst gap
    first: referrals, declines by reason, tasks unassigned, steps missed, time to accept,
    active coordinators, capacity, load and the gap score (docs/service-gaps.md)."""
    try:
        q = gaps.check(session, actor=actor, now=now, region=region, pillar=pillar,
                       first=first, last=last)  # fmt: skip
    except checks.Refused as exc:
        raise exc.as_http() from None
    result = gaps.service_gaps(session, q)
    if format != "csv":
        return result
    text, filename = gaps.as_csv(result)
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get(
    "/service-gaps/digest", response_model=out.LatestGapDigestRead, responses=checks.ANSWERS
)
def service_gaps_digest(
    session: ReadOnlySessionDep, actor: ActorDep, now: NowDep, region: Region = None
) -> Any:
    """The latest weekly digest of the province's five worst service gaps (`latest` null
    until the first is made), for those whose jurisdiction holds the whole province."""
    try:
        q = gaps.check(session, actor=actor, now=now, region=region, pillar=None,
                       first=None, last=None)  # fmt: skip
        province = gaps.digest_province(actor, q.region_code)
    except checks.Refused as exc:
        raise exc.as_http() from None
    digest = gaps.latest_digest(session, province)
    latest = (
        out.ServiceGapDigestRead.model_validate(digest, from_attributes=True) if digest else None
    )
    return out.LatestGapDigestRead(region_code=province, latest=latest)
