"""What the FHIR API reads, always through the reader's scoped session
(services/intake/access/scope.py): a task or case outside the reader's scope is not found,
and a pillar's request is made of the tasks the reader may see."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from services.intake.fhir import codes
from services.intake.fhir.search import BadSearch, Bound, Search, encode_cursor
from shared.domain import regions
from shared.domain.lifecycle import OPEN, State
from shared.models import Case, Coordinator, Pillar, Referral, Region


@dataclass(frozen=True, slots=True)
class Page:
    keys: list[Any]
    next_cursor: str | None


def _time_bounds(column: Any, bounds: Iterable[Bound]) -> list[ColumnElement[bool]]:
    return [column >= b.at if b.inclusive else column < b.at for b in bounds]


def _after(cursor: Sequence[str], size: int) -> tuple[datetime, list[str]]:
    if len(cursor) != size:
        raise BadSearch("_cursor", "not a cursor this server gave out")
    try:
        return datetime.fromisoformat(cursor[0]), list(cursor[1:])
    except ValueError:
        raise BadSearch("_cursor", "not a cursor this server gave out") from None


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise BadSearch("_cursor", "not a cursor this server gave out") from None


def task_page(session: Session, search: Search) -> tuple[list[Referral], str | None]:
    """Tasks the reader may see, oldest change first, one page."""
    stmt = select(Referral).order_by(Referral.updated_at, Referral.id).limit(search.count + 1)
    if search.statuses:
        states = {
            s.value for status in search.statuses for s in codes.STATES_OF_TASK_STATUS[status]
        }
        stmt = stmt.where(Referral.status.in_(sorted(states)))
    if search.coordinator is not None:
        stmt = stmt.where(Referral.coordinator_id == search.coordinator)
    stmt = stmt.where(*_time_bounds(Referral.updated_at, search.bounds))
    if search.after:
        at, (ident,) = _after(search.after, 2)
        after_id = _uuid(ident)
        stmt = stmt.where(
            or_(
                Referral.updated_at > at,
                and_(Referral.updated_at == at, Referral.id > after_id),
            )
        )
    rows = list(session.scalars(stmt))
    page = rows[: search.count]
    more = len(rows) > search.count
    last = page[-1] if page else None
    cursor = encode_cursor([last.updated_at.isoformat(), str(last.id)]) if more and last else None
    return page, cursor


# A pillar's request's status (codes.service_request_status) as conditions on its tasks.
_n_open = func.sum(case((Referral.status.in_(sorted(s.value for s in OPEN)), 1), else_=0))
_n_held = func.sum(case((Referral.status == State.ON_HOLD.value, 1), else_=0))
_n_done = func.sum(case((Referral.status == State.COMPLETED.value, 1), else_=0))
_n_valid = func.sum(case((Referral.status != State.ENTERED_IN_ERROR.value, 1), else_=0))
_STATUS_CLAUSES = {
    "active": and_(_n_valid > 0, _n_open > _n_held),
    "on-hold": and_(_n_valid > 0, _n_open > 0, _n_open == _n_held),
    "completed": and_(_n_valid > 0, _n_open == 0, _n_done > 0),
    "revoked": and_(_n_valid > 0, _n_open == 0, _n_done == 0),
    "entered-in-error": _n_valid == 0,
}


def service_request_page(
    session: Session, search: Search
) -> tuple[list[tuple[uuid.UUID, str]], str | None]:
    """(case id, pillar) of the requests the reader may see, oldest change first."""
    last = func.max(Referral.updated_at)
    stmt: Any = (
        select(Referral.case_id, Referral.pillar_code, last)
        .group_by(Referral.case_id, Referral.pillar_code)
        .order_by(last, Referral.case_id, Referral.pillar_code)
        .limit(search.count + 1)
    )
    having = _time_bounds(last, search.bounds)
    if search.statuses:
        having.append(or_(*(_STATUS_CLAUSES[s] for s in sorted(search.statuses))))
    if search.coordinator is not None:
        held = func.sum(case((Referral.coordinator_id == search.coordinator, 1), else_=0))
        having.append(held > 0)
    if search.pillar is not None:
        stmt = stmt.where(Referral.pillar_code == search.pillar)
    if search.after:
        at, (case_ident, pillar) = _after(search.after, 3)
        case_id = _uuid(case_ident)
        having.append(
            or_(
                last > at,
                and_(
                    last == at,
                    or_(
                        Referral.case_id > case_id,
                        and_(Referral.case_id == case_id, Referral.pillar_code > pillar),
                    ),
                ),
            )
        )
    if having:
        stmt = stmt.having(and_(*having))
    rows = session.execute(stmt).all()
    page = [(r[0], r[1]) for r in rows[: search.count]]
    more = len(rows) > search.count
    cursor = None
    if more and page:
        stamp = rows[search.count - 1][2]
        cursor = encode_cursor([stamp.isoformat(), str(page[-1][0]), page[-1][1]])
    return page, cursor


@dataclass(frozen=True, slots=True)
class RequestRows:
    case: Case
    pillar: Pillar
    tasks: list[Referral]


def service_requests(session: Session, keys: Sequence[tuple[uuid.UUID, str]]) -> list[RequestRows]:
    """The case, pillar and visible tasks (oldest first) of each (case id, pillar)."""
    if not keys:
        return []
    case_ids = {k[0] for k in keys}
    tasks = session.scalars(
        select(Referral)
        .where(Referral.case_id.in_(case_ids))
        .order_by(Referral.created_at, Referral.id)
    ).all()
    cases = {c.id: c for c in session.scalars(select(Case).where(Case.id.in_(case_ids)))}
    pillars = {p.code: p for p in session.scalars(select(Pillar))}
    found = []
    for case_id, pillar in keys:
        mine = [t for t in tasks if t.case_id == case_id and t.pillar_code == pillar]
        if mine and case_id in cases and pillar in pillars:
            found.append(RequestRows(cases[case_id], pillars[pillar], mine))
    return found


def cases(session: Session, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Case]:
    return {c.id: c for c in session.scalars(select(Case).where(Case.id.in_(set(ids))))}


def coordinators(session: Session, ids: Iterable[uuid.UUID | None]) -> dict[Any, Coordinator]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {c.id: c for c in session.scalars(select(Coordinator).where(Coordinator.id.in_(wanted)))}


def region_names(session: Session, code: str) -> dict[str, str]:
    """The names of a region and every region above it."""
    chain = regions.ancestors(code)
    return {r.code: r.name for r in session.scalars(select(Region).where(Region.code.in_(chain)))}
