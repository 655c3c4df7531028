"""The cases a person may see: a case worker's referrals, a coordinator's cases, a
supervisor's jurisdiction."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from services.intake.deps import ActorDep, SessionDep
from services.intake.edge.errors import refused
from services.intake.edge.textguard import GuardedRoute
from services.intake.referrals import case_list

router = APIRouter(route_class=GuardedRoute, tags=["cases"])

CaseStatus = Literal["received", "open", "closed"]


@router.get("/cases", response_model=case_list.CaseListPage, responses={401: {}, 422: {}})
def list_cases(
    session: SessionDep,
    actor: ActorDep,
    status: Annotated[
        list[CaseStatus] | None, Query(description="Only these statuses (repeat the parameter)")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=case_list.LIST_MAX)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> case_list.CaseListPage:
    """Cases newest first: a case worker sees the cases they sent, a coordinator those with
    a task of theirs, a supervisor those in their jurisdiction."""
    try:
        return case_list.list_cases(
            session, actor=actor, statuses=tuple(status or ()), limit=limit, cursor=cursor
        )
    except case_list.BadCursor as exc:
        raise refused(422, ["query", "cursor"], str(exc), "invalid") from None
