from __future__ import annotations

from fastapi import APIRouter, Path, Request

from services.intake.access.guard import access_of
from services.intake.deps import ActorDep, DeadlinePolicyDep, NowDep, SessionDep
from services.intake.edge.errors import refused
from services.intake.edge.textguard import GuardedRoute
from services.intake.referrals import views as queries
from services.intake.referrals.schemas import CaseRead

router = APIRouter(route_class=GuardedRoute, tags=["cases"])


@router.get("/cases/{case_ref}", response_model=CaseRead, responses={404: {}})
def read_case(
    request: Request,
    session: SessionDep,
    actor: ActorDep,
    policy: DeadlinePolicyDep,
    now: NowDep,
    case_ref: str = Path(max_length=64, description="Case id or tracking code"),
) -> CaseRead:
    """Status, referrals (with their deadlines and how they stand now), notifications and
    the timeline of one case, as much of it as your role needs: the full identity for the
    coordinator serving it and the case worker who reported it, initials for supervisors."""
    case = queries.find_case(session, case_ref)
    if case is None:
        raise refused(404, ["path", "case_ref"], "no such case", "not_found")
    disclosure, basis = queries.disclosure_for(session, actor, case)
    if (audited := access_of(request)) is not None:
        audited.object_ids[:] = [str(case.id)]
        audited.basis = basis
    return queries.case_view(session, case, disclosure=disclosure, policy=policy, now=now)
