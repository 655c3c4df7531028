"""Possible duplicates, for supervisors: merge a duplicate into the case that stays, undo
it within a day, or say two flagged cases are not the same person."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from services.intake.access.guard import access_of
from services.intake.deps import ActorDep, DeadlinePolicyDep, NowDep, SessionDep, UowFactoryDep
from services.intake.edge.errors import refused
from services.intake.edge.textguard import GuardedRoute
from services.intake.referrals import merging
from services.intake.referrals import views as queries
from services.intake.referrals.schemas import CaseRead
from shared.domain.actor import Actor
from shared.domain.deadlines import DeadlinePolicy

router = APIRouter(route_class=GuardedRoute, tags=["duplicates"])

CaseRef = Annotated[str, Path(max_length=64, description="Case id or tracking code")]
_REFUSALS: dict[int | str, dict[str, Any]] = {
    403: {"description": "Not a supervisor, or a case outside your jurisdiction"},
    404: {"description": "No such case (for you)"},
    409: {"description": "The cases' state forbids it (already merged, closed, too late)"},
    422: {"description": "A field is missing or malformed"},
}


class MergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    into: str = Field(
        min_length=1, max_length=64, description="The case that stays: id or tracking code"
    )


class DismissIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    other: str = Field(
        min_length=1, max_length=64, description="The flagged case: id or tracking code"
    )


def _refused(exc: merging.MergeRefused, body_field: str | None = None) -> Exception:
    loc = ["body", exc.field] if exc.field == body_field else ["path", "case_ref"]
    return refused(exc.status, loc, str(exc), exc.kind)


def _answer(
    session: Session, actor: Actor, policy: DeadlinePolicy, now: datetime, ref: str
) -> CaseRead:
    """The case as it stands after the change, as this supervisor may see it."""
    session.expire_all()
    case = queries.find_case(session, ref)
    if case is None:
        raise refused(404, ["path", "case_ref"], "no such case", "not_found")
    disclosure, _basis = queries.disclosure_for(session, actor, case)
    return queries.case_view(session, case, disclosure=disclosure, policy=policy, now=now)


@router.post("/cases/{case_ref}/merge", response_model=CaseRead, responses=_REFUSALS)
def merge_case(
    request: Request,
    body: MergeIn,
    case_ref: CaseRef,
    actor: ActorDep,
    uow_factory: UowFactoryDep,
    session: SessionDep,
    policy: DeadlinePolicyDep,
    now: NowDep,
) -> CaseRead:
    """Close this case as a duplicate of `into` (a supervisor in whose area both lie): its
    open tasks are withdrawn with the reason `duplicate` and their coordinators told; it
    carries `merged_into`; the merge can be undone for a day. Answers the merged case."""
    try:
        merged = merging.merge(
            uow_factory, case_ref=case_ref, into_ref=body.into, actor=actor, now=now, policy=policy
        )
    except merging.MergeRefused as exc:
        raise _refused(exc, "into") from None
    if (audited := access_of(request)) is not None:
        audited.touch([merged.into.id], basis=f"merged into {merged.into.tracking_code}")
    return _answer(session, actor, policy, now, str(merged.case.id))


@router.post("/cases/{case_ref}/merge/undo", response_model=CaseRead, responses=_REFUSALS)
def undo_merge(
    case_ref: CaseRef,
    actor: ActorDep,
    uow_factory: UowFactoryDep,
    session: SessionDep,
    policy: DeadlinePolicyDep,
    now: NowDep,
) -> CaseRead:
    """Open a merged case again, within a day of the merge: its withdrawn tasks go back to
    routing. Answers the case."""
    try:
        case = merging.undo(uow_factory, case_ref=case_ref, actor=actor, now=now)
    except merging.MergeRefused as exc:
        raise _refused(exc) from None
    return _answer(session, actor, policy, now, str(case.id))


@router.post("/cases/{case_ref}/duplicates/dismiss", status_code=204, responses=_REFUSALS)
def dismiss_duplicate(
    body: DismissIn, case_ref: CaseRef, actor: ActorDep, uow_factory: UowFactoryDep, now: NowDep
) -> None:
    """ "Bukan duplikat": the two flagged cases are not the same person; the flag is not
    raised again."""
    try:
        merging.dismiss(uow_factory, case_ref=case_ref, other_ref=body.other, actor=actor, now=now)
    except merging.MergeRefused as exc:
        raise _refused(exc, "other") from None
