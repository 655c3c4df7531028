"""A coordinator's inbox page; its list is also served alone, for live refreshes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.intake.casework import views as task_views
from services.intake.deps import ActorDep, DeadlinePolicyDep, NowDep, SessionDep
from services.intake.edge.textguard import GuardedRoute
from services.intake.web.render import forbidden, page

router = APIRouter(route_class=GuardedRoute, include_in_schema=False)


def _inbox(
    request: Request,
    template: str,
    actor: ActorDep,
    session: SessionDep,
    policy: DeadlinePolicyDep,
    now: NowDep,
) -> Response:
    if actor.coordinator_id is None:
        return forbidden(request, actor)
    tasks = task_views.inbox(
        session,
        coordinator_id=actor.coordinator_id,
        statuses=(),
        urgency=None,
        pillar=None,
        limit=100,
        offset=0,
        policy=policy,
        now=now,
    )
    return page(request, template, actor=actor, tasks=tasks)


@router.get("/kotak-masuk")
def inbox_page(
    request: Request,
    actor: ActorDep,
    session: SessionDep,
    policy: DeadlinePolicyDep,
    now: NowDep,
) -> Response:
    return _inbox(request, "inbox.html", actor, session, policy, now)


@router.get("/kotak-masuk/daftar")
def inbox_list(
    request: Request,
    actor: ActorDep,
    session: SessionDep,
    policy: DeadlinePolicyDep,
    now: NowDep,
) -> Response:
    """The list alone (an HTML fragment), fetched by inbox.js when something arrives."""
    return _inbox(request, "inbox_list.html", actor, session, policy, now)
