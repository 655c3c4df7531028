"""Receiving a spreadsheet of referrals and reading how its import goes.

`start` reads the file whole before anything is stored (a file that cannot be read, or
lacks a required column, is refused and stores nothing), then writes the import, each
data row (its cells encrypted) and ImportReceived in one commit; the import worker
(services/intake/imports/work.py) stores the rows as cases.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, cast, func, insert, select
from sqlalchemy.orm import Session

from services.intake.imports import table
from shared.db import UowFactory
from shared.domain import import_sheet
from shared.domain.actor import Actor
from shared.events import ImportReceived
from shared.models import Import, ImportRow
from shared.outbox.store import add_event

FILENAME_MAX = 200
PAGE_MAX = 500


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int
    max_rows: int


@dataclass(frozen=True, slots=True)
class Counts:
    total: int
    processed: int
    created: int
    duplicates: int
    failed: int
    already_imported: int


@dataclass(frozen=True, slots=True)
class Outcome:
    row: int
    status: str
    case_id: uuid.UUID | None
    tracking_code: str | None
    errors: list[dict[str, str]]
    possible_duplicate: bool


def start(
    uow_factory: UowFactory,
    *,
    data: bytes,
    filename: str,
    uploader: Actor,
    correlation_id: str,
    limits: Limits,
    announce: bool = True,
) -> Import:
    """Store the file's rows for the import worker; `announce` False leaves the work to
    the caller (the CLI works its import itself)."""
    if len(data) > limits.max_bytes:
        raise table.FileRefused(
            f"the file is larger than {limits.max_bytes} bytes; split it into smaller files",
            status=413,
            kind="too_large",
        )
    sheet = table.read(data, filename, max_rows=limits.max_rows)
    header = import_sheet.read_header(sheet.header)
    if header.missing:
        raise table.FileRefused(
            "missing column(s): " + ", ".join(header.missing) + " (see the template)",
            kind="missing_columns",
        )
    if header.repeated:
        raise table.FileRefused(
            "column(s) given twice: " + ", ".join(header.repeated), kind="repeated_columns"
        )
    if not sheet.rows:
        raise table.FileRefused("the file has a header but no data rows", kind="no_rows")
    with uow_factory() as uow:
        job = Import(
            id=uuid.uuid4(),
            file_hash=hashlib.sha256(data).hexdigest(),
            filename=(filename or "import")[:FILENAME_MAX],
            file_format=sheet.file_format,
            columns=sheet.header,
            status="queued",
            total=len(sheet.rows),
            uploaded_by=uploader.label,
            uploader_name=(uploader.name or uploader.user or uploader.id)[:160],
            uploader_user=uploader.user,
            jurisdiction=uploader.jurisdiction,
            correlation_id=correlation_id,
        )
        uow.session.add(job)
        uow.session.flush()
        uow.session.execute(
            insert(ImportRow),
            [
                {
                    "import_id": job.id,
                    "row": number,
                    "status": "pending",
                    "cells": {"c": cells},
                    "errors": [],
                    "flagged": False,
                }
                for number, cells in sheet.rows
            ],
        )
        if announce:
            add_event(uow.session, ImportReceived(import_id=job.id), correlation_id=correlation_id)
        uow.commit()
        uow.session.expunge(job)
    return job


def get(session: Session, import_id: uuid.UUID) -> Import | None:
    return session.get(Import, import_id)


def may_read(actor: Actor, job: Import) -> bool:
    """The uploader, and a supervisor whose area holds the uploader's."""
    if job.uploaded_by == actor.label:
        return True
    if actor.kind != "supervisor":
        return False
    return not actor.jurisdiction or job.jurisdiction.startswith(actor.jurisdiction)


def counts(session: Session, job: Import) -> Counts:
    rows = session.execute(
        select(ImportRow.status, func.count(), func.sum(cast(ImportRow.flagged, Integer)))
        .where(ImportRow.import_id == job.id)
        .group_by(ImportRow.status)
    ).all()
    by = {status: (n, int(flagged or 0)) for status, n, flagged in rows}
    created, flagged = by.get("created", (0, 0))
    failed = by.get("failed", (0, 0))[0]
    already = by.get("already_imported", (0, 0))[0]
    return Counts(
        total=job.total,
        processed=created + failed + already,
        created=created,
        duplicates=flagged,
        failed=failed,
        already_imported=already,
    )


def errors(session: Session, job: Import, *, limit: int = PAGE_MAX) -> list[dict[str, Any]]:
    """The failed rows' errors, one entry a field, in row order (the first `limit` rows)."""
    rows = session.execute(
        select(ImportRow.row, ImportRow.errors)
        .where(ImportRow.import_id == job.id, ImportRow.status == "failed")
        .order_by(ImportRow.row)
        .limit(limit)
    ).all()
    return [{"row": number, **error} for number, found in rows for error in found]


def outcomes(
    session: Session, job: Import, *, after: int, limit: int, status: str | None = None
) -> list[Outcome]:
    query = (
        select(ImportRow)
        .where(ImportRow.import_id == job.id, ImportRow.row > after)
        .order_by(ImportRow.row)
        .limit(limit)
    )
    if status:
        query = query.where(ImportRow.status == status)
    return [
        Outcome(r.row, r.status, r.case_id, r.tracking_code, list(r.errors), r.flagged)
        for r in session.scalars(query)
    ]


def failed_rows(session: Session, job: Import) -> list[tuple[int, list[str], str]]:
    """Each failed row's cells as the file had them, and what to fix, for the uploader."""
    rows = session.execute(
        select(ImportRow.row, ImportRow.cells, ImportRow.errors)
        .where(ImportRow.import_id == job.id, ImportRow.status == "failed")
        .order_by(ImportRow.row)
    ).all()
    return [
        (
            number,
            list((cells or {}).get("c", [])),
            "; ".join(f"{e['column']}: {e['msg']}" for e in found),
        )
        for number, cells, found in rows
    ]


def recent(session: Session, actor: Actor, *, limit: int = 10) -> list[Import]:
    """The actor's own latest uploads."""
    return list(
        session.scalars(
            select(Import)
            .where(Import.uploaded_by == actor.label)
            .order_by(Import.created_at.desc())
            .limit(limit)
        )
    )
