"""The case page's duplicate forms, for a supervisor: merge one case into another, undo a
merge, mark a flag "bukan duplikat" (plain form posts; each one unit of work)."""

from __future__ import annotations

import uuid
from datetime import datetime
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from services.intake.casework.case_page import CaseId, render_case_page
from services.intake.deps import ActorDep, BodyDep, DeadlinePolicyDep, NowDep, UowFactoryDep
from services.intake.edge.textguard import GuardedRoute
from services.intake.referrals import merging
from services.intake.web import i18n
from services.intake.web.render import cross_site, forbidden, language, not_found
from shared.db import UowFactory
from shared.domain.actor import Actor
from shared.domain.deadlines import DeadlinePolicy
from shared.models import Case

router = APIRouter(route_class=GuardedRoute, include_in_schema=False)


def _field(body: bytes, name: str) -> str:
    values = parse_qs(body.decode("utf-8", "replace")).get(name, [""])
    return values[0].strip()[:64]


def _refused(
    request: Request,
    exc: merging.MergeRefused,
    *,
    case_id: uuid.UUID,
    actor: Actor,
    uow_factory: UowFactory,
    policy: DeadlinePolicy,
    now: datetime,
) -> Response:
    with uow_factory() as uow:
        case = uow.session.get(Case, case_id)
        if case is None or (exc.status == 404 and exc.field == "case"):
            return not_found(request, actor)
        error = f"{i18n.translator(language(request))('err.conflict')} {exc}"
        # A form naming no case, or one that is not there: the form is at fault (422).
        status = 422 if exc.status == 404 else exc.status
        return render_case_page(
            request,
            uow.session,
            actor,
            case,
            policy=policy,
            now=now,
            status=status,
            error=error,
        )


@router.post("/kasus/{case_id}/gabung")
def merge_form(
    request: Request,
    body: BodyDep,
    case_id: CaseId,
    actor: ActorDep,
    uow_factory: UowFactoryDep,
    policy: DeadlinePolicyDep,
    now: NowDep,
) -> Response:
    """Merge this case into the one named by `into`; back to the page named by `back`."""
    if cross_site(request):
        return forbidden(request, actor)
    back = _field(body, "back")
    shown = uuid.UUID(back) if _is_uuid(back) else case_id
    try:
        merging.merge(
            uow_factory,
            case_ref=str(case_id),
            into_ref=_field(body, "into") or "-",
            actor=actor,
            now=now,
            policy=policy,
        )
    except merging.MergeRefused as exc:
        return _refused(
            request,
            exc,
            case_id=shown,
            actor=actor,
            uow_factory=uow_factory,
            policy=policy,
            now=now,
        )
    return RedirectResponse(f"/kasus/{shown}?ok=merge", status_code=303)


@router.post("/kasus/{case_id}/gabung/batal")
def undo_form(
    request: Request,
    case_id: CaseId,
    actor: ActorDep,
    uow_factory: UowFactoryDep,
    policy: DeadlinePolicyDep,
    now: NowDep,
) -> Response:
    if cross_site(request):
        return forbidden(request, actor)
    try:
        merging.undo(uow_factory, case_ref=str(case_id), actor=actor, now=now)
    except merging.MergeRefused as exc:
        return _refused(
            request,
            exc,
            case_id=case_id,
            actor=actor,
            uow_factory=uow_factory,
            policy=policy,
            now=now,
        )
    return RedirectResponse(f"/kasus/{case_id}?ok=unmerge", status_code=303)


@router.post("/kasus/{case_id}/duplikat/bukan")
def dismiss_form(
    request: Request,
    body: BodyDep,
    case_id: CaseId,
    actor: ActorDep,
    uow_factory: UowFactoryDep,
    policy: DeadlinePolicyDep,
    now: NowDep,
) -> Response:
    if cross_site(request):
        return forbidden(request, actor)
    try:
        merging.dismiss(
            uow_factory,
            case_ref=str(case_id),
            other_ref=_field(body, "other") or "-",
            actor=actor,
            now=now,
        )
    except merging.MergeRefused as exc:
        return _refused(
            request,
            exc,
            case_id=case_id,
            actor=actor,
            uow_factory=uow_factory,
            policy=policy,
            now=now,
        )
    return RedirectResponse(f"/kasus/{case_id}?ok=dismiss", status_code=303)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
