from __future__ import annotations

from fastapi import APIRouter, Path

from services.intake import queries
from services.intake.deps import DeadlinePolicyDep, NowDep, SessionDep
from services.intake.errors import refused
from services.intake.schemas import CaseRead

router = APIRouter(tags=["cases"])


@router.get("/cases/{case_ref}", response_model=CaseRead, responses={404: {}})
def read_case(
    session: SessionDep,
    policy: DeadlinePolicyDep,
    now: NowDep,
    case_ref: str = Path(max_length=64, description="Case id or tracking code"),
) -> CaseRead:
    """Status, referrals (with their deadlines and how they stand now), notifications and
    the timeline of one case."""
    case = queries.find_case(session, case_ref)
    if case is None:
        raise refused(404, ["path", "case_ref"], "no such case", "not_found")
    return queries.case_view(session, case, policy=policy, now=now)
