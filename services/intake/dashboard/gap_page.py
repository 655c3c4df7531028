"""The page /dasbor/celah-layanan: where people wait because no pillar can take them. East
Java's kab/kota as a tile cartogram shaded by gap score (cartogram.py) for one pillar or
the worst of all, the numbers in every tile and in the table below, a CSV of the same rows
(the API's), and a click on a kab/kota for its kecamatan. Drawn on the server, no script."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from services.intake.dashboard import board, cartogram, checks, gaps
from services.intake.dashboard import rows as dashboard_rows
from services.intake.dashboard import schemas as out
from services.intake.deps import ActorDep, NowDep, SessionDep
from services.intake.edge.textguard import GuardedRoute
from services.intake.web import i18n
from services.intake.web.render import bad_input, language, page
from shared.domain import pillars, regions
from shared.domain.wib import WIB

router = APIRouter(route_class=GuardedRoute, include_in_schema=False)
Filter = Annotated[str | None, Query(max_length=16)]
PILLAR_NAMES = {p.code: (p.name_id, p.name_en) for p in pillars.PILLARS}
TABLE_ROWS = 50  # of all pillars: the worst rows with something to report (all in the CSV)


@router.get("/dasbor/celah-layanan")
def service_gaps_page(
    request: Request,
    actor: ActorDep,
    session: SessionDep,
    now: NowDep,
    region: Filter = None,
    pillar: Filter = None,
) -> Response:
    lang = language(request)
    t = i18n.translator(lang)
    shown = {name: request.query_params.get(name, "").strip()[:16]
             for name in ("region", "pillar", "from", "to")}  # fmt: skip
    days = {}
    for name in ("from", "to"):
        days[name] = dashboard_rows.day_of(shown[name])
        if shown[name] and days[name] is None:
            field = f"{t('dash.' + name)} ({name})"
            return bad_input(request, status=422, field=field, msg=t("dash.date_bad"))
    try:
        q = gaps.check(
            session, actor=actor, now=now, region=shown["region"] or None,
            pillar=shown["pillar"] or None, first=days["from"], last=days["to"],
        )  # fmt: skip
    except checks.Refused as exc:
        if exc.status == 403:
            raise exc.as_http() from None
        return bad_input(request, status=exc.status, field=exc.field, msg=exc.msg)
    rows = gaps.read_rows(session, q)
    result = gaps.shaped(q, rows)
    query = {k: v for k, v in shown.items() if v}
    api_query = {"region": q.region_code, "from": q.period.first.isoformat(),
                 "to": q.period.last.isoformat()}  # fmt: skip
    if q.pillar:
        api_query["pillar"] = q.pillar
    parent = q.region_code[:2] if len(q.region_code) == 5 else None
    if parent and actor.jurisdiction and not regions.is_within(parent, actor.jurisdiction):
        parent = None  # a kab/kota's supervisor sees no other kab/kota
    digest = gaps.latest_digest(session, q.region_code) if len(q.region_code) == 2 else None
    return page(
        request,
        "service_gaps.html",
        actor=actor,
        result=result,
        table=_table(result),
        tiles=cartogram.tiles(rows, places=cartogram.places_for(q.region_code)),
        grid=cartogram.places_for(q.region_code) is not None,
        pillar_list=[(p.code, i18n.label(PILLAR_NAMES, p.code, lang)) for p in pillars.PILLARS],
        pillar_names={p.code: i18n.label(PILLAR_NAMES, p.code, lang) for p in pillars.PILLARS},
        short_pillar=board.SHORT,
        filters=shown,
        shown_from=board.dmy(q.period.first),
        shown_to=board.dmy(q.period.last),
        csv_href=f"/api/v1/dashboard/service-gaps?{urlencode({**api_query, 'format': 'csv'})}",
        drill=_drill_link(query),
        parent_href=_parent_link(query, parent),
        breaks=cartogram.BREAKS,
        digest=digest,
        as_of=now.astimezone(WIB).strftime("%d-%m-%Y %H:%M"),
        is_province=regions.level_of(q.region_code) is regions.Level.PROVINCE,
    )


def _table(result: out.ServiceGapsRead) -> list[out.ServiceGapRow]:
    """One pillar: every area. All pillars: the worst rows that have anything to report."""
    if result.pillar:
        return result.items
    busy = [r for r in result.items if r.gap_score or r.referrals or r.unassigned or r.breached]
    return busy[:TABLE_ROWS]


def _parent_link(query: dict[str, str], parent: str | None) -> str | None:
    if parent is None:
        return None
    return "/dasbor/celah-layanan?" + urlencode({**query, "region": parent})


def _drill_link(query: dict[str, str]) -> str:
    """The address of a kab/kota's kecamatan under the same filters, without its code."""
    kept = {k: v for k, v in query.items() if k != "region"}
    return "/dasbor/celah-layanan?" + urlencode({**kept, "region": ""})
