"""The referral form offline: the web app's manifest, its service worker, the reference
data a case worker's phone keeps (the villages of their area, the categories, needs and
urgencies) and the server's refusals of a queued referral put into the worker's language.

The phone keeps the form and this data, never another person's case; the referrals a
worker saves offline wait on the phone (IndexedDB) and are sent to POST /api/v1/referrals
with the Idempotency-Key made when each was saved (static/offline-queue.js)."""

from __future__ import annotations

import hashlib
from functools import cache
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.intake.deps import ActorDep, SessionDep
from services.intake.edge.textguard import GuardedRoute
from services.intake.referrals import forms
from services.intake.web import STATIC_DIR, i18n, i18n_offline
from services.intake.web.render import language
from shared.domain import categories, regions
from shared.domain.actor import Actor
from shared.domain.urgency import Urgency
from shared.models.reference import Region

router = APIRouter(route_class=GuardedRoute, include_in_schema=False)
# What the page's script reads and asks, under /api/v1.
api = APIRouter(route_class=GuardedRoute, tags=["offline"])

# The files the service worker keeps for the form (besides the form and its data).
SHELL = (
    "/static/sekber.css",
    "/static/referral.js",
    "/static/offline-queue.js",
    "/static/offline.js",
    "/static/device.js",
    "/static/favicon.svg",
    "/static/icon-192.png",
    "/static/icon-512.png",
    "/manifest.webmanifest",
)
NO_CACHE = {"Cache-Control": "no-cache"}


@cache
def _version() -> str:
    """Changes whenever a file the phone keeps changes: the worker then fetches them anew."""
    digest = hashlib.sha256()
    for path in [*SHELL, "/static/sw.js"]:
        name = path.removeprefix("/static/")
        if name != "/manifest.webmanifest":
            digest.update((STATIC_DIR / name).read_bytes())
    return digest.hexdigest()[:12]


@router.get("/sw.js")
def service_worker() -> Response:
    """The service worker, at the root so that it may serve the form's page."""
    script = (STATIC_DIR / "sw.js").read_text(encoding="utf-8")
    script = script.replace("__VERSION__", _version()).replace(
        "__SHELL__", ", ".join(f'"{p}"' for p in SHELL)
    )
    return Response(
        script,
        media_type="text/javascript",
        headers={**NO_CACHE, "Service-Worker-Allowed": "/"},
    )


@router.get("/manifest.webmanifest")
def manifest() -> JSONResponse:
    """The installable web app: it opens on the referral form."""
    return JSONResponse(
        {
            "name": "Sekber — Rujukan Kesejahteraan Sosial",
            "short_name": "Sekber",
            "description": "Laporkan warga yang butuh bantuan, juga tanpa sinyal.",
            "lang": "id",
            "start_url": "/rujukan/baru",
            "scope": "/",
            "display": "standalone",
            "orientation": "portrait",
            "background_color": "#ffffff",
            "theme_color": "#0b5d3b",
            "icons": [
                {"src": "/static/icon-192.png", "sizes": "192x192", "type": "image/png"},
                {"src": "/static/icon-512.png", "sizes": "512x512", "type": "image/png"},
                {
                    "src": "/static/icon-512.png",
                    "sizes": "512x512",
                    "type": "image/png",
                    "purpose": "maskable",
                },
            ],
        },
        media_type="application/manifest+json",
        headers=NO_CACHE,
    )


def area_of(actor: Actor) -> str:
    """The region whose villages the phone keeps: the worker's jurisdiction within East
    Java (a village's worker keeps its kecamatan), else the whole province."""
    area = actor.jurisdiction
    if (
        not area
        or not regions.is_well_formed(area)
        or not regions.is_within(area, regions.EAST_JAVA)
    ):
        return regions.EAST_JAVA
    if regions.level_of(area) == regions.Level.VILLAGE:
        return regions.parent(area) or regions.EAST_JAVA
    return area


def region_tree(session: Session, area: str) -> dict[str, list[list[str]]]:
    """Each region of the area -> its current children as [code, name], in code order.
    For a whole province (a supervisor's), its kab/kota and kecamatan only: its 8,000
    villages would weigh some 300 KB on a cheap phone; the villages of a kecamatan come
    from the server when it is chosen, and the service worker keeps those it was given."""
    query = select(Region.code, Region.name, Region.parent_code).where(
        Region.code.like(f"{area}.%"), Region.retired_in.is_(None)
    )
    if regions.level_of(area) == regions.Level.PROVINCE:
        query = query.where(Region.level != regions.Level.VILLAGE.value)
    rows = session.execute(query.order_by(Region.code)).all()
    tree: dict[str, list[list[str]]] = {}
    for code, name, parent in rows:
        tree.setdefault(parent or "", []).append([code, name])
    return tree


class Named(BaseModel):
    code: str
    name: str


class Category(Named):
    help: str


class FormData(BaseModel):
    """What the referral form needs offline."""

    version: str = Field(description="Changes when the files the phone keeps change")
    lang: str
    area: str = Field(description="The region whose villages are listed")
    jurisdiction: str = Field(description="The worker's jurisdiction ('' for national)")
    categories: list[Category]
    urgencies: list[Named]
    needs: list[Named]
    regions: dict[str, list[list[str]]] = Field(
        description="Each region of the area -> its current children as [code, name]"
    )
    words: dict[str, str] = Field(description="What the form's script says, in `lang`")


@api.get("/referral-form", response_model=FormData)
def reference_data(request: Request, actor: ActorDep, session: SessionDep) -> JSONResponse:
    """What the referral form needs offline, in the reader's language (`?lang=`): the
    categories, urgencies and needs, and the villages of the signed-in worker's area
    (their jurisdiction within East Java). The form's service worker keeps it on the phone
    and refreshes it when online."""
    lang = language(request)
    area = area_of(actor)
    data = FormData(
        version=_version(),
        lang=lang,
        area=area,
        # The phone's own check of a village (the server checks again).
        jurisdiction=actor.jurisdiction,
        categories=[
            Category(
                code=c.code,
                name=c.name_id if lang == "id" else c.name_en,
                help=i18n.label(i18n.CATEGORY_HELP, c.code, lang),
            )
            for c in categories.CATEGORIES
        ],
        urgencies=[
            Named(code=u.value, name=i18n.label(i18n.URGENCY, u.value, lang)) for u in Urgency
        ],
        needs=[Named(code=code, name=i18n.label(i18n.NEED, code, lang)) for code in i18n.NEED],
        regions=region_tree(session, area),
        words=i18n_offline.script_words(i18n.translator(lang)),
    )
    return JSONResponse(data.model_dump(), headers={"Cache-Control": "private, no-cache"})


class Refusal(BaseModel):
    """The server's answer to a queued referral, as the phone kept it."""

    status: Annotated[int, Field(ge=400, le=499, description="The refusal's HTTP status")]
    errors: Annotated[
        list[dict[str, Any]],
        Field(max_length=50, description="The refusal's `detail` as the API answered it"),
    ] = []


class RefusalWords(BaseModel):
    fields: dict[str, str] = Field(description="The form's field -> what to correct")


@api.post("/referral-form/refusal", response_model=RefusalWords)
def explain_refusal(request: Request, refusal: Refusal) -> JSONResponse:
    """A refusal of POST /referrals, field by field in the reader's language (`?lang=`),
    in the words the referral form shows when it is sent online: the phone shows them
    against the fields of a referral it kept."""
    lang = language(request)
    t = i18n.translator(lang)
    fields: dict[str, str] = {}
    if refusal.status == 401:
        fields["form"] = t("offline.signin")
    elif refusal.status == 403:
        on_village = any(e.get("field") == "village_code" for e in refusal.errors)
        fields["village_code" if on_village else "form"] = t(
            "err.village_outside" if on_village else "err.forbidden"
        )
    elif refusal.status == 409:
        fields["form"] = t("offline.conflict")
    else:
        for error in refusal.errors:
            loc = tuple(str(p) for p in error.get("loc") or ())
            if loc[:1] == ("body",):
                loc = loc[1:]
            name, message = forms.field_error(loc, error, lang)
            fields.setdefault(name, message)
    return JSONResponse({"fields": fields or {"form": t("err.invalid")}})
