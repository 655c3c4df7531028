"""Home, the referral form and the list of cases ("my referrals" for a case worker)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from services.intake.deps import (
    ActorDep,
    BodyDep,
    CorrelationIdDep,
    SessionDep,
    SettingsDep,
    UowFactoryDep,
)
from services.intake.edge.textguard import GuardedRoute
from services.intake.referrals import case_list, forms
from services.intake.referrals import service as referrals
from services.intake.referrals import views as queries
from services.intake.referrals.schemas import RegionRead
from services.intake.web import i18n
from services.intake.web.render import cross_site, forbidden, language, page
from shared.domain import categories, regions
from shared.domain.actor import Actor
from shared.domain.lifecycle import CaseStatus
from shared.domain.urgency import Urgency
from shared.duplicates.find import Found

router = APIRouter(route_class=GuardedRoute, include_in_schema=False)

HOME_OF = {
    "case_worker": "/rujukan",
    "coordinator": "/kotak-masuk",
    "supervisor": "/dasbor",
    "admin": "/dasbor",
}


@router.get("/")
def home(request: Request, actor: ActorDep) -> Response:
    target = HOME_OF.get(actor.kind)
    if target:
        return RedirectResponse(target, status_code=303)
    return page(request, "home.html", actor=actor)


def _children(session: Session, code: str) -> list[RegionRead]:
    if not code or not regions.is_well_formed(code):
        return []
    region = queries.region_with_children(session, code)
    return region.children if region else []


def _form_page(
    request: Request,
    session: Session,
    actor: Actor,
    form: forms.ReferralForm,
    status: int,
    duplicates: Sequence[Found] = (),
    *,
    fresh: bool = False,
) -> HTMLResponse:
    kabkota = form.get("kabkota") or form.get("village_code")[:5]
    kecamatan = form.get("kecamatan") or form.get("village_code")[:8]
    if kecamatan and not kecamatan.startswith(kabkota + "."):
        kecamatan = ""
    return page(
        request,
        "referral_form.html",
        actor=actor,
        status=status,
        form=form,
        kabkota=kabkota,
        kecamatan=kecamatan,
        regencies=_children(session, regions.EAST_JAVA),
        districts=_children(session, kabkota),
        villages=_children(session, kecamatan),
        categories=categories.CATEGORIES,
        urgencies=[u.value for u in Urgency],
        duplicates=duplicates,
        fresh=fresh,
    )


@router.get("/rujukan/baru")
def referral_form(request: Request, actor: ActorDep, session: SessionDep) -> Response:
    form = forms.ReferralForm(
        values={"urgency": "normal", "idempotency_key": str(uuid.uuid4())},
    )
    if actor.name:
        form.values["reporter_name"] = actor.name
    return _form_page(request, session, actor, form, 200, fresh=True)


@router.post("/rujukan/baru")
def submit_referral_form(
    request: Request,
    actor: ActorDep,
    uow_factory: UowFactoryDep,
    correlation_id: CorrelationIdDep,
    body: BodyDep,
    settings: SettingsDep,
) -> Response:
    """Store the referral, after warning once of open cases that may be the same person
    (only their tracking codes: nothing of another case's personal data)."""
    if cross_site(request):
        return forbidden(request, actor)
    form = forms.parse(body)

    def again(status: int, duplicates: Sequence[Found] = ()) -> Response:
        with uow_factory() as uow:
            return _form_page(request, uow.session, actor, form, status, duplicates)

    if form.get("step") == "region":  # without JavaScript: show the next level's choices
        return again(200)
    data = forms.validate(form, language(request))
    if data is None:
        return again(422)
    threshold = settings.duplicate_name_threshold
    if form.get("duplicate_seen") != "1":
        found = referrals.possible_duplicates(
            uow_factory,
            data,
            threshold=threshold,
            today=date.today(),
            reported_by=actor.label,
            idempotency_key=form.get("idempotency_key") or None,
        )
        if found:
            form.values["duplicate_seen"] = "1"
            return again(200, found)
    try:
        submitted = referrals.submit_referral(
            uow_factory=uow_factory,
            data=data,
            idempotency_key=form.get("idempotency_key") or None,
            correlation_id=correlation_id,
            today=date.today(),
            reported_by=actor.label,
            jurisdiction=actor.jurisdiction,
            duplicate_threshold=threshold,
        )
    except referrals.InvalidReferral as exc:
        message = "err.village_outside" if exc.status == 403 else "err.village_code"
        form.errors["village_code"] = i18n.translator(language(request))(message)
        return again(exc.status)
    except referrals.IdempotencyConflict:
        form.values["idempotency_key"] = str(uuid.uuid4())
        return again(409)
    return RedirectResponse(f"/kasus/{submitted.case.id}?baru=1", status_code=303)


@router.get("/rujukan")
def case_list_page(
    request: Request,
    actor: ActorDep,
    session: SessionDep,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    status: Annotated[str | None, Query(max_length=10)] = None,
) -> Response:
    statuses = (status,) if status in set(CaseStatus) else ()
    try:
        listed = case_list.list_cases(
            session, actor=actor, statuses=statuses, limit=50, cursor=cursor
        )
    except case_list.BadCursor:
        listed = case_list.list_cases(session, actor=actor, statuses=statuses, limit=50)
    return page(
        request,
        "case_list.html",
        actor=actor,
        listing=listed,
        status_filter=status or "",
        category_names={c.code: (c.name_id, c.name_en) for c in categories.CATEGORIES},
    )
