"""The supervisors' dashboard: GET /api/v1/dashboard/<widget>, as JSON or CSV.

Only supervisors and admins; their jurisdiction always limits the rows."""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel

from services.intake.dashboard import checks, queries
from services.intake.dashboard import schemas as out
from services.intake.dashboard.measures import Bucket
from services.intake.dashboard.sql import Filters
from services.intake.deps import ActorDep, NowDep, ReadOnlySessionDep
from services.intake.edge.textguard import GuardedRoute
from services.intake.referrals.schemas import IsoDate
from shared.domain import regions
from shared.domain.categories import CATEGORIES
from shared.domain.spreadsheet import csv_text
from shared.domain.urgency import Urgency

router = APIRouter(route_class=GuardedRoute, prefix="/dashboard", tags=["supervision"])

_CATEGORIES = frozenset(c.code for c in CATEGORIES)
_REFUSALS = checks.ANSWERS


def dashboard_filters(
    actor: ActorDep,
    now: NowDep,
    region: Annotated[
        str | None, Query(max_length=13, description="Region code, e.g. 35 or 35.07")
    ] = None,
    pillar: Annotated[str | None, Query(max_length=16, description="Pillar code")] = None,
    category: Annotated[str | None, Query(max_length=8, description="PPKS code")] = None,
    urgency: Urgency | None = None,
    first: Annotated[IsoDate | None, Query(alias="from", description="First WIB day")] = None,
    last: Annotated[IsoDate | None, Query(alias="to", description="Last WIB day")] = None,
) -> Filters:
    try:
        checks.role(actor, "the dashboard is")
        if region is not None and not regions.is_well_formed(region.strip()):
            raise checks.bad("region", "must be a Kemendagri region code: 35, 35.07, 35.07.01, ...")
        scope = checks.scope(actor.jurisdiction, region.strip() if region else None)
        checks.pillar(pillar)
        if category is not None and category not in _CATEGORIES:
            raise checks.bad("category", "not a PPKS category code (LUT, PD, ...)")
        span = checks.period(first=first, last=last, now=now)
    except checks.Refused as exc:
        raise exc.as_http() from None
    return Filters(
        scope=scope,
        period=span,
        now=now,
        pillar=pillar,
        category=category,
        urgency=urgency.value if urgency else None,
    )


FiltersDep = Annotated[Filters, Depends(dashboard_filters)]
Format = Annotated[Literal["json", "csv"], Query(description="csv: the rows as text/csv")]
BucketQuery = Annotated[Bucket, Query(description="day or week (Monday, WIB)")]


def _answer(name: str, f: Filters, result: BaseModel, form: str) -> Any:
    if form != "csv":
        return result
    data = result.model_dump(mode="json")
    rows: list[dict[str, Any]] = data.get("rows", [data])
    fields = list(type(result).model_fields) if "rows" not in data else _row_fields(result)
    filename = f"sekber-{name}-{f.scope or 'nasional'}-{f.period.first}-{f.period.last}.csv"
    return Response(
        csv_text(fields, rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _row_fields(result: BaseModel) -> list[str]:
    [row_type] = get_args(type(result).model_fields["rows"].annotation)
    return list(row_type.model_fields)


@router.get("/summary", response_model=out.SummaryRead, responses=_REFUSALS)
def summary(session: ReadOnlySessionDep, f: FiltersDep, format: Format = "json") -> Any:
    """Open, unassigned and overdue tasks and dead notifications now; cases received and
    closed in the period."""
    return _answer("summary", f, queries.summary(session, f=f), format)


@router.get("/open-tasks", response_model=out.OpenTasksRead, responses=_REFUSALS)
def open_tasks(session: ReadOnlySessionDep, f: FiltersDep, format: Format = "json") -> Any:
    """Open tasks now by pillar and area, one level below the region asked for."""
    return _answer("open-tasks", f, queries.open_tasks(session, f=f), format)


@router.get("/flow", response_model=out.FlowRead, responses=_REFUSALS)
def flow(
    session: ReadOnlySessionDep, f: FiltersDep, bucket: BucketQuery = Bucket.WEEK,
    format: Format = "json",
) -> Any:  # fmt: skip
    """Cases received and cases closed, per day or week."""
    return _answer("flow", f, queries.flow(session, f=f, bucket=bucket), format)


@router.get("/resolution-times", response_model=out.ResolutionTimesRead, responses=_REFUSALS)
def resolution_times(
    session: ReadOnlySessionDep, f: FiltersDep, bucket: BucketQuery = Bucket.WEEK,
    format: Format = "json",
) -> Any:  # fmt: skip
    """Median and 90th percentile hours to accept and to resolve, per day or week."""
    result = queries.resolution_times(session, f=f, bucket=bucket)
    return _answer("resolution-times", f, result, format)


@router.get("/breaches", response_model=out.BreachesRead, responses=_REFUSALS)
def breaches(
    session: ReadOnlySessionDep, f: FiltersDep, bucket: BucketQuery = Bucket.WEEK,
    format: Format = "json",
) -> Any:  # fmt: skip
    """Deadlines missed, by the day or week the due time fell in, and pillar."""
    return _answer("breaches", f, queries.breaches(session, f=f, bucket=bucket), format)


@router.get("/decline-reasons", response_model=out.DeclineReasonsRead, responses=_REFUSALS)
def decline_reasons(session: ReadOnlySessionDep, f: FiltersDep, format: Format = "json") -> Any:
    """Tasks declined (or left unanswered) in the period, by reason."""
    return _answer("decline-reasons", f, queries.decline_reasons(session, f=f), format)


@router.get("/backlog", response_model=out.BacklogRead, responses=_REFUSALS)
def backlog(session: ReadOnlySessionDep, f: FiltersDep, format: Format = "json") -> Any:
    """The 100 coordinators with the most open tasks in scope."""
    return _answer("backlog", f, queries.backlog(session, f=f), format)
