"""The supervisor's dashboard. The queue of unroutable cases, dead-lettered notifications
and the latest cases are rendered here; the figures and charts come from the dashboard
API (/api/v1/dashboard/*), drawn as inline SVG by dashboard.js with the same filters."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy import select

from services.intake import case_list, queries, routing_views
from services.intake.deps import OptionalActorDep, SessionDep
from services.intake.web import i18n
from services.intake.web.render import forbidden, is_overseer, language, page, to_login
from shared.domain import categories, pillars, regions
from shared.domain.urgency import Urgency
from shared.models import Case, Notification

router = APIRouter(include_in_schema=False)

FILTERS = ("region", "pillar", "category", "urgency", "from", "to", "bucket")
Filter = Annotated[str | None, Query(max_length=13)]


@router.get("/dasbor")
def dashboard(
    request: Request,
    actor: OptionalActorDep,
    session: SessionDep,
    region: Filter = None,
) -> Response:
    if actor is None:
        return to_login(request)
    if not is_overseer(actor):
        return forbidden(request, actor)
    jurisdiction = actor.jurisdiction or regions.EAST_JAVA
    area = region if region and regions.is_well_formed(region) else jurisdiction
    if not regions.is_within(area, jurisdiction) and actor.jurisdiction:
        area = jurisdiction
    top = queries.region_with_children(
        session, regions.EAST_JAVA if len(jurisdiction) < 5 else jurisdiction
    )
    dead = session.execute(
        select(Notification, Case.tracking_code, Case.id)
        .join(Case, Case.id == Notification.case_id)
        .where(Notification.state == "dead", case_list.visible_to(actor))
        .where((Case.village_code == area) | Case.village_code.startswith(f"{area}."))
        .order_by(Notification.created_at.desc())
        .limit(20)
    ).all()
    filters = {name: request.query_params.get(name, "")[:13] for name in FILTERS}
    return page(
        request,
        "dashboard.html",
        actor=actor,
        filters=filters,
        reason_labels={
            code: i18n.label(i18n.REASON, code, language(request)) for code in i18n.REASON
        },
        query=urlencode({k: v for k, v in filters.items() if v}),
        region_options=top.children if top else [],
        pillar_list=pillars.PILLARS,
        categories=categories.CATEGORIES,
        urgencies=[u.value for u in Urgency],
        queue=routing_views.unassigned(session, region=area, limit=20),
        dead=dead,
        latest=case_list.list_cases(session, actor=actor, limit=10).items,
    )
