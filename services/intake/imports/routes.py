"""Bulk intake over the API: upload a spreadsheet, follow its import, read each row's
outcome, download the template and the failed rows."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, File, Query, Request, Response, UploadFile
from pydantic import BaseModel
from sqlalchemy.orm import Session

from services.intake.access.guard import access_of
from services.intake.deps import ActorDep, CorrelationIdDep, SessionDep, SettingsDep, UowFactoryDep
from services.intake.edge.errors import refused
from services.intake.edge.textguard import GuardedRoute
from services.intake.imports import service, table, template
from shared.config import Settings
from shared.db import UowFactory
from shared.domain import text
from shared.domain.actor import Actor
from shared.domain.spreadsheet import csv_text
from shared.models import Import

router = APIRouter(route_class=GuardedRoute, tags=["imports"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
Status = Literal["queued", "running", "done", "failed"]


class ImportAccepted(BaseModel):
    import_id: uuid.UUID
    status_url: str


class RowError(BaseModel):
    row: int
    field: str
    column: str
    msg: str


class ImportRead(BaseModel):
    import_id: uuid.UUID
    filename: str
    status: Status
    total: int
    processed: int
    created: int
    duplicates: int
    failed: int
    already_imported: int
    errors: list[RowError]
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    # Why a failed import stopped (its stored rows stay).
    problem: str | None = None
    links: dict[str, str]


class RowProblem(BaseModel):
    field: str
    column: str
    msg: str


class RowRead(BaseModel):
    row: int
    status: Literal["pending", "created", "already_imported", "failed"]
    case_id: uuid.UUID | None
    tracking_code: str | None
    possible_duplicate: bool
    errors: list[RowProblem]


class RowPage(BaseModel):
    items: list[RowRead]
    next_cursor: str | None


def limits_of(settings: Settings) -> service.Limits:
    return service.Limits(max_bytes=settings.import_max_bytes, max_rows=settings.import_max_rows)


def filename_of(upload: UploadFile) -> str:
    """The file's name as stored and shown; one that breaks the free-text rule is not kept."""
    name = (upload.filename or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    try:
        return text.clean(name, one_line=True)[: service.FILENAME_MAX] or "import"
    except text.TextError:
        return "import"


@router.post(
    "/imports",
    status_code=202,
    response_model=ImportAccepted,
    responses={
        413: {"description": "The file is larger, or has more rows, than an upload may"},
        422: {"description": "The file cannot be read, or lacks a required column"},
    },
)
def upload(
    request: Request,
    response: Response,
    uow_factory: UowFactoryDep,
    correlation_id: CorrelationIdDep,
    actor: ActorDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="CSV (UTF-8, comma or semicolon) or XLSX")],
) -> ImportAccepted:
    """Upload a spreadsheet of referrals (columns as in GET /api/v1/imports/template.csv).
    The rows are stored as cases in the background, each by the rule of a single
    referral; a bad row is reported by its row number (the header is row 1) and stores
    nothing. The same file uploaded again creates nothing: each row's key is the file's
    hash and its row number. You are the reporter of every case."""
    data = file.file.read()  # spooled by the multipart parser; this runs in a thread
    job = started(uow_factory, data, filename_of(file), actor, correlation_id, settings)
    if (audited := access_of(request)) is not None:
        audited.touch([job.id], basis="uploader")
    location = f"/api/v1/imports/{job.id}"
    response.headers["Location"] = location
    return ImportAccepted(import_id=job.id, status_url=location)


def started(
    uow_factory: UowFactory,
    data: bytes,
    filename: str,
    actor: Actor,
    correlation_id: str,
    settings: Settings,
) -> Import:
    """The import stored for the worker, or the file's refusal as a 4xx naming `file`."""
    try:
        return service.start(
            uow_factory,
            data=data,
            filename=filename,
            uploader=actor,
            correlation_id=correlation_id,
            limits=limits_of(settings),
        )
    except table.FileRefused as exc:
        raise refused(exc.status, ["body", "file"], str(exc), exc.kind) from None


@router.get("/imports/template.csv", response_class=Response)
def template_csv() -> Response:
    """The columns with an example row (Indonesian headers; English ones are read too)."""
    return Response(
        template.as_csv(),
        media_type=CSV,
        headers={"Content-Disposition": 'attachment; filename="sekber-impor.csv"'},
    )


@router.get("/imports/template.xlsx", response_class=Response)
def template_xlsx() -> Response:
    """The template as a workbook, with drop-down lists for the coded columns."""
    return Response(
        template.as_xlsx(),
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="sekber-impor.xlsx"'},
    )


def readable(request: Request, session: Session, import_id: uuid.UUID, actor: Actor) -> Import:
    """The import, if the actor may read it (audited); else a 404."""
    job = seen_by(request, session, import_id, actor)
    if job is None:
        raise refused(404, ["path", "import_id"], "no such import of yours", "not_found")
    return job


def seen_by(
    request: Request, session: Session, import_id: uuid.UUID, actor: Actor
) -> Import | None:
    """The import, if the actor uploaded it or supervises the uploader's area (recorded in
    the audit trail); another's is not confirmed to exist (None)."""
    job = service.get(session, import_id)
    if job is None or not service.may_read(actor, job):
        return None
    if (audited := access_of(request)) is not None:
        basis = "uploader" if job.uploaded_by == actor.label else "supervisor of the area"
        audited.touch([job.id], basis=basis)
    return job


def view(session: Session, job: Import) -> ImportRead:
    counts = service.counts(session, job)
    base = f"/api/v1/imports/{job.id}"
    return ImportRead(
        import_id=job.id,
        filename=job.filename,
        status=job.status,
        total=counts.total,
        processed=counts.processed,
        created=counts.created,
        duplicates=counts.duplicates,
        failed=counts.failed,
        already_imported=counts.already_imported,
        errors=[RowError(**e) for e in service.errors(session, job)],
        created_at=job.created_at,
        updated_at=job.updated_at,
        finished_at=job.finished_at,
        problem=job.problem,
        links={"rows": f"{base}/rows", "failed_rows": f"{base}/failed.csv"},
    )


@router.get("/imports/{import_id}", response_model=ImportRead)
def status(
    request: Request, import_id: uuid.UUID, session: SessionDep, actor: ActorDep
) -> ImportRead:
    """How the import goes: counts, and the errors of the failed rows (the first 500
    rows; every row's outcome is in .../rows). `duplicates` counts the stored rows flagged
    as possible duplicates (in the file or among open cases); `already_imported` the rows
    an earlier upload of the same file stored."""
    return view(session, readable(request, session, import_id, actor))


@router.get("/imports/{import_id}/rows", response_model=RowPage)
def rows(
    request: Request,
    import_id: uuid.UUID,
    session: SessionDep,
    actor: ActorDep,
    cursor: Annotated[str | None, Query(max_length=12, pattern=r"^[0-9]+$")] = None,
    limit: Annotated[int, Query(ge=1, le=service.PAGE_MAX)] = 100,
    row_status: Annotated[
        Literal["pending", "created", "already_imported", "failed"] | None,
        Query(alias="status"),
    ] = None,
) -> RowPage:
    """Each row's outcome in row order; pass `next_cursor` back as `cursor` for more."""
    job = readable(request, session, import_id, actor)
    found = service.outcomes(
        session, job, after=int(cursor or 0), limit=limit + 1, status=row_status
    )
    more = len(found) > limit
    found = found[:limit]
    return RowPage(
        items=[
            RowRead(
                row=o.row,
                status=o.status,
                case_id=o.case_id,
                tracking_code=o.tracking_code,
                possible_duplicate=o.possible_duplicate,
                errors=[RowProblem(**e) for e in o.errors],
            )
            for o in found
        ],
        next_cursor=str(found[-1].row) if more and found else None,
    )


@router.get("/imports/{import_id}/failed.csv", response_class=Response)
def failed_csv(
    request: Request, import_id: uuid.UUID, session: SessionDep, actor: ActorDep
) -> Response:
    """Only the failed rows, in the file's own columns, with the original row number and
    what to fix in the last columns: fix them and upload this file again. The rows' data
    go to the uploader alone; a supervisor of the area gets the row numbers and errors."""
    job = readable(request, session, import_id, actor)
    return failed_download(session, job, actor)


def failed_download(session: Session, job: Import, actor: Actor) -> Response:
    return Response(
        failed_rows_csv(session, job, with_data=job.uploaded_by == actor.label),
        media_type=CSV,
        headers={"Content-Disposition": f'attachment; filename="gagal-{job.id.hex[:8]}.csv"'},
    )


def failed_rows_csv(session: Session, job: Import, *, with_data: bool = True) -> bytes:
    data_columns = job.columns if with_data else []
    columns = [*data_columns, "baris_asal", "kesalahan"]
    records = []
    for number, cells, problems in service.failed_rows(session, job):
        record: dict[str, object] = dict(zip(data_columns, cells, strict=False))
        record |= {"baris_asal": number, "kesalahan": problems}
        records.append(record)
    return ("\ufeff" + csv_text(columns, records)).encode("utf-8")
