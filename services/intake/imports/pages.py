"""The import pages: /rujukan/impor (the file, the template, the latest imports) and
/rujukan/impor/{id} (a live progress bar, the counts, the failed rows and their download)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from services.intake.access.guard import access_of
from services.intake.deps import (
    ActorDep,
    CorrelationIdDep,
    SessionDep,
    SettingsDep,
    UowFactoryDep,
)
from services.intake.edge.textguard import GuardedRoute
from services.intake.imports import routes, service, table
from services.intake.web import i18n
from services.intake.web.render import cross_site, forbidden, language, not_found, page
from shared.config import Settings
from shared.domain.actor import Actor
from shared.models import Import

router = APIRouter(route_class=GuardedRoute, include_in_schema=False)

# The import worker and the file reader word their problems in English (the API's and
# the failed-rows CSV's words); a page leads with what the cell or file needs, in its
# own language, and keeps the original as the detail. Coded cells list their words.
CHOICES = {"urgency": i18n.URGENCY, "disaster_scope": i18n.SCOPE}


def _hint(key: str, lang: str) -> str:
    return i18n.translator(lang)(key) if key in i18n.TEXT else ""


def _problems(errors: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    shown = []
    for error in errors:
        field = error["field"]
        hint = _hint(f"imp.err.{field}", lang)
        if field in CHOICES:
            words = [i18n.label(CHOICES[field], code, lang) for code in CHOICES[field]]
            hint = f"{hint} {', '.join(words)}."
        shown.append({**error, "hint": hint})
    return shown


def _upload_page(
    request: Request,
    session: SessionDep,
    actor: Actor,
    settings: Settings,
    *,
    error: str = "",
    reason: str = "",
    status: int = 200,
) -> Response:
    return page(
        request,
        "imports.html",
        actor=actor,
        status=status,
        error=error,
        reason=reason,
        recent=service.recent(session, actor),
        max_mb=settings.import_max_bytes // (1024 * 1024),
        max_rows=settings.import_max_rows,
    )


@router.get("/rujukan/impor")
def upload_form(
    request: Request, session: SessionDep, actor: ActorDep, settings: SettingsDep
) -> Response:
    return _upload_page(request, session, actor, settings)


@router.post("/rujukan/impor")
def upload(
    request: Request,
    session: SessionDep,
    uow_factory: UowFactoryDep,
    correlation_id: CorrelationIdDep,
    actor: ActorDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File()],
) -> Response:
    if cross_site(request):
        return forbidden(request, actor)
    try:
        job = service.start(
            uow_factory,
            data=file.file.read(),
            filename=routes.filename_of(file),
            uploader=actor,
            correlation_id=correlation_id,
            limits=routes.limits_of(settings),
        )
    except table.FileRefused as exc:
        reason = _hint(f"imp.refused.{exc.kind}", language(request))
        return _upload_page(
            request, session, actor, settings, error=str(exc), reason=reason, status=exc.status
        )
    if (audited := access_of(request)) is not None:
        audited.touch([job.id], basis="uploader")
    return RedirectResponse(f"/rujukan/impor/{job.id}", status_code=303)


def _readable(request: Request, session: SessionDep, import_id: str, actor: Actor) -> Import | None:
    try:
        wanted = uuid.UUID(import_id)
    except ValueError:
        return None
    return routes.seen_by(request, session, wanted, actor)


@router.get("/rujukan/impor/{import_id}")
def status_page(request: Request, import_id: str, session: SessionDep, actor: ActorDep) -> Response:
    job = _readable(request, session, import_id, actor)
    if job is None:
        return not_found(request, actor)
    return page(
        request,
        "import_status.html",
        actor=actor,
        job=job,
        counts=service.counts(session, job),
        errors=_problems(service.errors(session, job), language(request)),
        errors_shown=service.PAGE_MAX,
        with_data=job.uploaded_by == actor.label,
        live=job.status in ("queued", "running"),
    )


@router.get("/rujukan/impor/{import_id}/gagal.csv")
def failed_rows(request: Request, import_id: str, session: SessionDep, actor: ActorDep) -> Response:
    job = _readable(request, session, import_id, actor)
    if job is None:
        return not_found(request, actor)
    return routes.failed_download(session, job, actor)
