from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AfterValidator

from services.intake.casework import views as task_views
from services.intake.casework.schemas import InboxPage
from services.intake.deps import ActorDep, DeadlinePolicyDep, NowDep, SessionDep
from services.intake.edge.errors import refused
from services.intake.edge.textguard import GuardedRoute
from shared.domain import pillars
from shared.domain.lifecycle import State
from shared.domain.urgency import Urgency

router = APIRouter(route_class=GuardedRoute, tags=["casework"])


def _pillar_code(value: str | None) -> str | None:
    if value is None:
        return None
    code = value.strip().upper()
    if code not in pillars.BY_CODE:
        raise ValueError(f"unknown pillar; one of {', '.join(pillars.BY_CODE)}")
    return code


Statuses = Annotated[
    list[State] | None,
    Query(
        alias="status",
        description="Only these statuses (repeat the parameter); by default the open ones: "
        "requested, accepted, in-progress, on-hold",
    ),
]
PillarCode = Annotated[str | None, Query(max_length=20), AfterValidator(_pillar_code)]


@router.get("/inbox", response_model=InboxPage, responses={401: {}, 403: {}})
def read_inbox(
    session: SessionDep,
    actor: ActorDep,
    policy: DeadlinePolicyDep,
    now: NowDep,
    statuses: Statuses = None,
    urgency: Urgency | None = None,
    pillar: PillarCode = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> InboxPage:
    """A coordinator's tasks: assigned to them or offered to them, emergencies first, then
    the soonest due, with how each deadline stands and what they may do."""
    if actor.coordinator_id is None:
        raise refused(403, ["header", "Authorization"], "the inbox is a coordinator's", "forbidden")
    return task_views.inbox(
        session,
        coordinator_id=actor.coordinator_id,
        statuses=statuses or (),
        urgency=urgency,
        pillar=pillar,
        limit=limit,
        offset=offset,
        policy=policy,
        now=now,
    )
