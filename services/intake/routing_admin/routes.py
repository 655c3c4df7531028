from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Path

from services.intake.deps import ActiveRulesDep, DirectoryCacheDep, ReadOnlySessionDep, SessionDep
from services.intake.edge.errors import refused
from services.intake.edge.textguard import GuardedRoute
from services.intake.referrals import views as queries
from services.intake.routing_admin import simulation
from services.intake.routing_admin import views as routing_views
from services.intake.routing_admin.schemas import CaseRoutingRead, SimulationRead, SimulationRequest

router = APIRouter(route_class=GuardedRoute, tags=["routing"])


@router.get("/cases/{case_ref}/routing", response_model=CaseRoutingRead, responses={404: {}})
def read_case_routing(
    session: SessionDep,
    case_ref: str = Path(max_length=64, description="Case id or tracking code"),
) -> CaseRoutingRead:
    """Where each referral of the case went, by which rule, and why (Indonesian, English)."""
    case = queries.find_case(session, case_ref)
    if case is None:
        raise refused(404, ["path", "case_ref"], "no such case", "not_found")
    return routing_views.case_routing(session, case)


@router.post(
    "/routing/simulate",
    response_model=SimulationRead,
    responses={
        413: {"description": "Body too large"},
        422: {"description": "A case field is wrong, or the draft rules cannot be used"},
    },
)
def simulate_routing(
    body: SimulationRequest,
    session: ReadOnlySessionDep,
    directory: DirectoryCacheDep,
    active_rules: ActiveRulesDep,
) -> SimulationRead:
    """What routing would decide for this case now, under the active rules or a draft rule
    set given as TOML text. Nothing is stored and nobody is notified."""
    return simulation.simulate(
        session=session,
        case=body.case,
        draft=body.rules,
        directory=directory,
        active_rules=active_rules,
        today=date.today(),
    )
