"""Storing an import's rows as cases, a batch at a time (the import worker and the CLI).

Each row passes the rule of a single referral (ReferralCreate, then submit_referral with
its duplicate check); a row that fails is recorded with its errors and stores nothing. A
row's outcome is written in the same commit as its case (submit_referral's `on_stored`),
so a worker killed at any point leaves each row either pending or done: the next batch
takes up the pending ones. The row's idempotency key is the file's hash and the row's
number, scoped to no sender: the same file uploaded again (by anyone) finds each row's
case already stored and creates nothing.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from pydantic import ValidationError
from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.orm import Session

from services.intake.referrals import service as referrals
from services.intake.referrals.schemas import ReferralCreate
from shared.db import UowFactory
from shared.domain import import_sheet, text
from shared.duplicates.find import Found
from shared.models import Case, Import, ImportRow
from shared.models.base import utcnow

log = logging.getLogger(__name__)

KEY_SCOPE = "import"
# Rows read, validated and stored in one commit.
ROWS_PER_READ = 100
LONG_TEXT = frozenset({"description"})


@dataclass(frozen=True, slots=True)
class Batch:
    stored: int  # rows given an outcome in this batch
    left: int  # rows still pending
    status: str


def row_key(file_hash: str, row: int) -> str:
    return f"import:{file_hash}:{row}"


def work(
    uow_factory: UowFactory,
    import_id: uuid.UUID,
    *,
    budget_seconds: float,
    threshold: float,
    today: Callable[[], date] = date.today,
    clock: Callable[[], float] = time.monotonic,
) -> Batch:
    """Give pending rows their outcome until none is left or the budget is spent."""
    until = clock() + budget_seconds
    with uow_factory() as uow:
        job = uow.session.get(Import, import_id)
        if job is None or job.status in ("done", "failed"):
            return Batch(0, 0, job.status if job else "missing")
        if job.status == "queued":
            job.status = "running"
        job.updated_at = utcnow()
        uow.commit()
        uow.session.expunge(job)
    header = import_sheet.read_header(job.columns)
    stored = 0
    while clock() < until:
        with uow_factory() as uow:
            pending = list(
                uow.session.scalars(
                    select(ImportRow)
                    .where(ImportRow.import_id == import_id, ImportRow.status == "pending")
                    .order_by(ImportRow.row)
                    .limit(ROWS_PER_READ)
                )
            )
            uow.session.expunge_all()
        if not pending:
            break
        _store(uow_factory, job, header, pending, threshold=threshold, today=today())
        stored += len(pending)
    return _settle(uow_factory, import_id, stored)


def _settle(uow_factory: UowFactory, import_id: uuid.UUID, stored: int) -> Batch:
    """The import touched (the sweep leaves it alone), done when no row is pending."""
    with uow_factory() as uow:
        left = (
            uow.session.scalar(
                select(func.count())
                .select_from(ImportRow)
                .where(ImportRow.import_id == import_id, ImportRow.status == "pending")
            )
            or 0
        )
        job = uow.session.get(Import, import_id)
        assert job is not None
        now = utcnow()
        job.updated_at = now
        if not left and job.status == "running":
            job.status, job.finished_at = "done", now
            log.info("import %s done", import_id)
        uow.commit()
        return Batch(stored, left, job.status)


def _store(
    uow_factory: UowFactory,
    job: Import,
    header: import_sheet.Header,
    rows: list[ImportRow],
    *,
    threshold: float,
    today: date,
) -> None:
    """Store a chunk of rows: the bad ones marked failed, the good ones as cases in one
    commit with their outcomes (referrals.submit_many)."""
    failed: list[tuple[int, list[dict[str, str]]]] = []
    valid: list[tuple[int, ReferralCreate]] = []
    for row in rows:
        data, errors = validated(
            header, list((row.cells or {}).get("c", [])), reporter=job.uploader_name
        )
        if data is None:
            failed.append((row.row, errors))
        else:
            valid.append((row.row, data))

    created: list[dict[str, Any]] = []

    def record(session: Session, index: int, case: Case, found: list[Found]) -> None:
        created.append({"rno": valid[index][0], "case_id": case.id,
                        "tracking_code": case.tracking_code, "flagged": bool(found)})  # fmt: skip

    def mark_created(session: Session) -> None:
        # One UPDATE for the batch's rows, in the cases' commit.
        if created:
            session.execute(_CREATED, [{"iid": job.id, "done_at": utcnow(), **c} for c in created])
            created.clear()

    outcomes = (
        referrals.submit_many(
            uow_factory=uow_factory,
            items=[referrals.Item(data, row_key(job.file_hash, number)) for number, data in valid],
            correlation_id=job.correlation_id,
            today=today,
            reported_by=job.uploaded_by,
            jurisdiction=job.jurisdiction,
            duplicate_threshold=threshold,
            key_scope=KEY_SCOPE,
            on_stored=record,
            before_commit=mark_created,
        )
        if valid
        else []
    )
    earlier: list[int] = []
    for (number, _data), outcome in zip(valid, outcomes, strict=True):
        if isinstance(outcome, referrals.InvalidReferral):
            field = import_sheet.field_of(list(outcome.field))
            failed.append((number, [_error(header, field, str(outcome))]))
        elif isinstance(outcome, referrals.IdempotencyConflict) or outcome.replayed:
            # Stored before under this file's row key: by an earlier upload of the same file.
            earlier.append(number)
    if not failed and not earlier:
        return
    with uow_factory() as uow:
        for number, errors in failed:
            _mark(uow.session, job.id, number, status="failed", errors=errors)
        for number in earlier:
            key = referrals.scoped_key(KEY_SCOPE, row_key(job.file_hash, number))
            case = referrals.find_by_key(uow.session, key)
            _mark(uow.session, job.id, number, status="already_imported", case=case)
        uow.commit()


def validated(
    header: import_sheet.Header, raw: list[str], *, reporter: str
) -> tuple[ReferralCreate | None, list[dict[str, str]]]:
    """The row as a referral by the single referral's rule, or its errors by column."""
    cells = import_sheet.row_cells(header, raw)
    errors: list[dict[str, str]] = []
    for name, value in list(cells.items()):
        try:
            cells[name] = text.clean(value, one_line=name not in LONG_TEXT)
        except text.TextError as exc:
            errors.append(_error(header, name, str(exc)))
    if errors:
        return None, errors
    body: dict[str, Any] = import_sheet.referral(cells)
    body["reporter"] = {"name": reporter}
    try:
        return ReferralCreate.model_validate(body), []
    except ValidationError as exc:
        for problem in exc.errors(include_url=False, include_input=False):
            name = import_sheet.field_of(problem["loc"])
            errors.append(_error(header, name, _message(problem)))
    if any(e["field"] == "category" for e in errors):
        # "applies only to disaster categories" follows from the category refused.
        errors = [e for e in errors if e["field"] != "disaster_scope"]
    return None, _once(errors)


def _error(header: import_sheet.Header, name: str, msg: str) -> dict[str, str]:
    return {"field": name, "column": header.column_of(name), "msg": msg}


def _message(problem: Any) -> str:
    msg = str(problem["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(prefix)
    if problem["type"] == "missing":
        return "required; the cell is empty"
    if problem["type"] == "string_too_short" and problem.get("ctx", {}).get("min_length") == 1:
        return "required; the cell is empty"
    return msg


def _once(errors: list[dict[str, str]]) -> list[dict[str, str]]:
    seen: set[tuple[str, str]] = set()
    out = []
    for e in errors:
        if (e["field"], e["msg"]) not in seen:
            seen.add((e["field"], e["msg"]))
            out.append(e)
    return out


_ROWS = cast(Table, ImportRow.__table__)
_CREATED = (
    update(_ROWS)
    .where(
        _ROWS.c.import_id == bindparam("iid"),
        _ROWS.c.row == bindparam("rno"),
        _ROWS.c.status == "pending",
    )
    .values(
        status="created",
        case_id=bindparam("case_id"),
        tracking_code=bindparam("tracking_code"),
        flagged=bindparam("flagged"),
        cells=None,
        done_at=bindparam("done_at"),
    )
)


def _mark(
    session: Session,
    import_id: uuid.UUID,
    row: int,
    *,
    status: str,
    case: Case | None = None,
    flagged: bool = False,
    errors: list[dict[str, str]] | None = None,
) -> None:
    """Give a pending row its outcome (a row done by another worker stays as it is). A
    stored row's cells are dropped: the case holds them now; a failed row keeps them for
    its uploader to download and fix."""
    values: dict[str, Any] = {"status": status, "done_at": utcnow(), "flagged": flagged}
    if case is not None:
        values |= {"case_id": case.id, "tracking_code": case.tracking_code, "cells": None}
    if errors is not None:
        values["errors"] = errors
    session.execute(
        update(_ROWS)
        .where(_ROWS.c.import_id == import_id, _ROWS.c.row == row, _ROWS.c.status == "pending")
        .values(**values)
    )


def give_up(uow_factory: UowFactory, import_id: uuid.UUID, *, problem: str) -> None:
    """The import stops as failed: the rows stored so far stay, the others stay pending
    (their outcome says so), and `problem` says why."""
    with uow_factory() as uow:
        job = uow.session.get(Import, import_id)
        if job is None or job.status == "done":
            return
        now = utcnow()
        job.status, job.finished_at, job.updated_at = "failed", now, now
        job.problem = f"stopped by an unexpected error ({problem})"[:400]
        uow.commit()


def stale(uow_factory: UowFactory, *, older_than: timedelta) -> list[uuid.UUID]:
    """Imports not finished whose work has not moved for `older_than` (the sweep)."""
    since: datetime = utcnow() - older_than
    with uow_factory() as uow:
        return list(
            uow.session.scalars(
                select(Import.id).where(
                    Import.status.in_(("queued", "running")), Import.updated_at < since
                )
            )
        )
