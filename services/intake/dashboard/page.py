"""The supervisor's dashboard. The queue of unroutable cases, dead-lettered notifications
and the latest cases are rendered here, under the same filters as the charts (see
dashboard_rows), with the queue and the dead letters to download as CSV; the figures and
charts come from the dashboard API (/api/v1/dashboard/*), drawn as inline SVG by
dashboard.js with the same filters."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from services.intake.access.guard import access_of
from services.intake.dashboard import rows as dashboard_rows
from services.intake.deps import ActorDep, NowDep, SessionDep
from services.intake.edge.textguard import GuardedRoute
from services.intake.referrals import views as queries
from services.intake.web import i18n
from services.intake.web.render import HEADERS, language, page
from shared.domain import categories, pillars, regions
from shared.domain.spreadsheet import csv_text
from shared.domain.urgency import Urgency

router = APIRouter(route_class=GuardedRoute, include_in_schema=False)

FILTERS = ("region", "pillar", "category", "urgency", "from", "to", "bucket")
Filter = Annotated[str | None, Query(max_length=13)]


def _params(request: Request) -> dict[str, str]:
    return {name: request.query_params.get(name, "")[:13] for name in FILTERS}


@router.get("/dasbor")
def dashboard(
    request: Request,
    actor: ActorDep,
    session: SessionDep,
    now: NowDep,
    region: Filter = None,
) -> Response:
    filters = _params(request)
    f = dashboard_rows.filters(actor, filters, now=now)
    jurisdiction = actor.jurisdiction or regions.EAST_JAVA
    top = queries.region_with_children(
        session, regions.EAST_JAVA if len(jurisdiction) < 5 else jurisdiction
    )
    query = urlencode({k: v for k, v in filters.items() if v})
    return page(
        request,
        "dashboard.html",
        actor=actor,
        filters=filters,
        reason_labels={
            code: i18n.label(i18n.REASON, code, language(request)) for code in i18n.REASON
        },
        query=query,
        table_query=f"?{query}" if query else "",
        region_options=top.children if top else [],
        pillar_list=pillars.PILLARS,
        categories=categories.CATEGORIES,
        urgencies=[u.value for u in Urgency],
        queue=dashboard_rows.queue(session, f),
        dead=dashboard_rows.dead(session, f),
        latest=dashboard_rows.latest(session, f),
    )


def _csv(text: str, filename: str) -> Response:
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={**HEADERS, "Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/dasbor/antrean.csv")
def queue_csv(
    request: Request,
    actor: ActorDep,
    session: SessionDep,
    now: NowDep,
    region: Filter = None,
) -> Response:
    """The supervisors' queue under the dashboard's filters, as CSV."""
    f = dashboard_rows.filters(actor, _params(request), now=now)
    rows = dashboard_rows.queue(session, f, limit=dashboard_rows.EXPORTED)
    if (audited := access_of(request)) is not None:
        audited.touch(r.referral_id for r in rows)
    text = csv_text(dashboard_rows.QUEUE_COLUMNS, dashboard_rows.queue_records(rows))
    return _csv(text, dashboard_rows.filename("antrean", f))


@router.get("/dasbor/notifikasi-gagal.csv")
def dead_csv(
    request: Request,
    actor: ActorDep,
    session: SessionDep,
    now: NowDep,
    region: Filter = None,
) -> Response:
    """The dead-lettered notifications under the dashboard's filters, as CSV."""
    f = dashboard_rows.filters(actor, _params(request), now=now)
    rows = dashboard_rows.dead(session, f, limit=dashboard_rows.EXPORTED)
    if (audited := access_of(request)) is not None:
        audited.touch(r.notification.id for r in rows)
    text = csv_text(dashboard_rows.DEAD_COLUMNS, dashboard_rows.dead_records(rows))
    return _csv(text, dashboard_rows.filename("notifikasi-gagal", f))
