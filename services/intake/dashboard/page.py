"""The supervisor's dashboard page, drawn on the server with no script: the summary and
the charts (board.py, from the same queries as /api/v1/dashboard/*, as SVG whose numbers
are also in tables and CSV), the queue of unroutable cases, the dead-lettered
notifications and the latest cases (dashboard_rows), under one set of filters. Dates are
shown and entered as DD-MM-YYYY; a date that is not one is refused naming the field."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from services.intake.access.guard import access_of
from services.intake.dashboard import board
from services.intake.dashboard import rows as dashboard_rows
from services.intake.dashboard.measures import Bucket
from services.intake.deps import ActorDep, NowDep, SessionDep
from services.intake.edge.textguard import GuardedRoute
from services.intake.referrals import views as queries
from services.intake.web import i18n
from services.intake.web.render import HEADERS, bad_input, language, page
from shared.domain import categories, pillars, regions
from shared.domain.spreadsheet import csv_text
from shared.domain.urgency import Urgency
from shared.domain.wib import WIB
from shared.models import ReferenceVersion
from shared.rollups.rebuild import last_rebuilt

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
    lang = language(request)
    t = i18n.translator(lang)
    for name in ("from", "to"):
        value = filters[name].strip()
        if value and dashboard_rows.day_of(value) is None:
            # Named as the form labels it ("Dari"), with the address's name beside it.
            field = f"{t('dash.' + name)} ({name})"
            return bad_input(request, status=422, field=field, msg=t("dash.date_bad"))
    f = dashboard_rows.filters(actor, filters, now=now)
    bucket = Bucket.DAY if filters["bucket"] == "day" else Bucket.WEEK
    jurisdiction = actor.jurisdiction or regions.EAST_JAVA
    top = queries.region_with_children(
        session, regions.EAST_JAVA if len(jurisdiction) < 5 else jurisdiction
    )
    query = urlencode({k: v for k, v in filters.items() if v})
    # The tables' pillars and categories in words (their CSV keeps the codes).
    pillar_names = {p.code: p.name_en if lang == "en" else p.name_id for p in pillars.PILLARS}
    category_names = {
        c.code: c.name_en if lang == "en" else c.name_id for c in categories.CATEGORIES
    }
    return page(
        request,
        "dashboard.html",
        actor=actor,
        filters=filters,
        shown_from=board.dmy(f.period.first),
        shown_to=board.dmy(f.period.last),
        bucket=bucket.value,
        query=query,
        table_query=f"?{query}" if query else "",
        region_options=top.children if top else [],
        pillar_list=list(pillar_names.items()),
        categories=list(category_names.items()),
        pillar_names=pillar_names,
        category_names=category_names,
        urgencies=[u.value for u in Urgency],
        board=board.build(session, f, bucket=bucket, lang=lang),
        regions_version=reference_version(session),
        as_of=now.astimezone(WIB).strftime("%d-%m-%Y %H:%M"),
        as_of_iso=now.isoformat(timespec="seconds"),
        rebuilt=_rebuilt(session),
        queue=dashboard_rows.queue(session, f),
        dead=dashboard_rows.dead(session, f),
        latest=dashboard_rows.latest(session, f),
    )


def _rebuilt(session: Session) -> str:
    """When the rollups were last recomputed from the facts (`sekber rebuild-rollups`)."""
    at = last_rebuilt(session)
    return at.astimezone(WIB).strftime("%d-%m-%Y %H:%M") if at else ""


def reference_version(session: Session) -> str:
    loaded = session.get(ReferenceVersion, "regions")
    return loaded.version if loaded else ""


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
