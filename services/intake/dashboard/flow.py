"""Cases in and cases out per day or week: received (by the day they were reported) and
closed (by the day their last task ended, no task left open), under the dashboard's
filters; with a pillar, the cases with a task of that pillar (received) and the cases
whose tasks of that pillar all ended (closed)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import exists, func, literal, select
from sqlalchemy.orm import Session, aliased

from services.intake.dashboard import measures
from services.intake.dashboard import schemas as out
from services.intake.dashboard.measures import Bucket
from services.intake.dashboard.sql import (
    OPEN_STATES,
    Filters,
    as_date,
    case_conditions,
    status_in,
    task_conditions,
    tune,
    wib_bucket,
    within,
)
from shared.models import Case, Referral


def flow(session: Session, *, f: Filters, bucket: Bucket) -> out.FlowRead:
    tune(session)
    received = _received(session, f, bucket)
    closed = _closed(session, f, bucket)
    return out.FlowRead(
        bucket=bucket.value,
        rows=[
            out.FlowRow(period_start=day, received=received.get(day, 0), closed=closed.get(day, 0))
            for day in measures.bucket_starts(f.period, bucket)
        ],
    )


def _counts(rows: Iterable[Any]) -> dict[date, int]:
    return {as_date(day): int(n) for day, n in rows}


def _received(session: Session, f: Filters, bucket: Bucket) -> dict[date, int]:
    if not f.pillar:
        day = wib_bucket(session, Case.created_at, bucket)
        query = (
            select(day, func.count())
            .where(within(Case.created_at, f.period), *case_conditions(f))
            .group_by(day)
        )
        return _counts(session.execute(query))
    day = wib_bucket(session, Referral.case_received_at, bucket)
    query = (
        select(day, func.count(Referral.case_id.distinct()))
        .where(within(Referral.case_received_at, f.period), *task_conditions(f))
        .group_by(day)
    )
    return _counts(session.execute(query))


def _closed(session: Session, f: Filters, bucket: Bucket) -> dict[date, int]:
    """Only tasks ended since the period began are read, grouped by case; a case counts in
    the bucket of its last task's end, once no task of it (of the pillar) is open."""
    still_open = aliased(Referral)
    ended = (
        select(Referral.case_id, func.max(Referral.closed_at).label("ended"))
        .where(Referral.closed_at >= f.period.start, *task_conditions(f))
        .group_by(Referral.case_id)
        .having(func.max(Referral.closed_at) < f.period.end)
        .subquery()
    )
    open_conditions = [
        still_open.case_id == ended.c.case_id,
        status_in(OPEN_STATES, still_open.status),
    ]
    if f.pillar:
        open_conditions.append(still_open.pillar_code == f.pillar)
    day = wib_bucket(session, ended.c.ended, bucket)
    query = (
        select(day, func.count())
        .select_from(ended)
        .where(~exists(select(literal(1)).where(*open_conditions)))
        .group_by(day)
    )
    return _counts(session.execute(query))
