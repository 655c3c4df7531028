"""The import pages: /rujukan/impor (the file, the template, the latest imports) and
/rujukan/impor/{id} (a live progress bar, the counts, the failed rows and their download)."""

from __future__ import annotations

import uuid
from typing import Annotated

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
from services.intake.web.render import cross_site, forbidden, not_found, page
from shared.config import Settings
from shared.domain.actor import Actor
from shared.models import Import

router = APIRouter(route_class=GuardedRoute, include_in_schema=False)


def _upload_page(
    request: Request,
    session: SessionDep,
    actor: Actor,
    settings: Settings,
    *,
    error: str = "",
    status: int = 200,
) -> Response:
    return page(
        request,
        "imports.html",
        actor=actor,
        status=status,
        error=error,
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
        return _upload_page(request, session, actor, settings, error=str(exc), status=exc.status)
    if (audited := access_of(request)) is not None:
        audited.touch([job.id], basis="uploader")
    return RedirectResponse(f"/rujukan/impor/{job.id}", status_code=303)


def _readable(request: Request, session: SessionDep, import_id: str, actor: Actor) -> Import | None:
    try:
        wanted = uuid.UUID(import_id)
    except ValueError:
        return None
    job = service.get(session, wanted)
    if job is None or not service.may_read(actor, job):
        return None
    if (audited := access_of(request)) is not None:
        basis = "uploader" if job.uploaded_by == actor.label else "supervisor of the area"
        audited.touch([job.id], basis=basis)
    return job


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
        errors=service.errors(session, job),
        errors_shown=service.PAGE_MAX,
        may_download=job.uploaded_by == actor.label,
        live=job.status in ("queued", "running"),
    )


@router.get("/rujukan/impor/{import_id}/gagal.csv")
def failed_rows(request: Request, import_id: str, session: SessionDep, actor: ActorDep) -> Response:
    job = _readable(request, session, import_id, actor)
    if job is None:
        return not_found(request, actor)
    if job.uploaded_by != actor.label:
        return forbidden(request, actor)
    return Response(
        routes.failed_rows_csv(session, job),
        media_type=routes.CSV,
        headers={"Content-Disposition": f'attachment; filename="gagal-{job.id.hex[:8]}.csv"'},
    )
