"""Which cases a person may see, and the list of them (newest first, by cursor)."""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from services.intake.access import scope
from shared.domain.actor import Actor
from shared.models import Case, Region

LIST_MAX = 100


class CaseListItem(BaseModel):
    id: uuid.UUID
    tracking_code: str
    category: str
    urgency: str
    status: str
    village_code: str
    village_name: str | None
    received_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, case: Case, village_name: str | None) -> CaseListItem:
        return cls(
            id=case.id,
            tracking_code=case.tracking_code,
            category=case.category_code,
            urgency=case.urgency,
            status=case.status,
            village_code=case.village_code,
            village_name=village_name,
            received_at=case.created_at,
            updated_at=case.updated_at,
        )


class CaseListPage(BaseModel):
    items: list[CaseListItem]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; none at end")


class BadCursor(ValueError):
    pass


def visible_to(actor: Actor) -> ColumnElement[bool]:
    """The cases `actor` may see, as a WHERE clause: the rule of services/intake/access/scope.py
    (the scoped session applies it too; this serves queries on other sessions)."""
    return Case.id.in_(scope.visible_case_ids(actor))


def may_see(session: Session, actor: Actor, case_id: uuid.UUID) -> bool:
    found = session.scalar(select(Case.id).where(Case.id == case_id, visible_to(actor)))
    return found is not None


def encode_cursor(received_at: datetime, case_id: uuid.UUID) -> str:
    raw = f"{received_at.isoformat()}|{case_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, _, ident = raw.partition("|")
        return datetime.fromisoformat(stamp), uuid.UUID(ident)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadCursor("not a cursor this API gave out") from None


def list_cases(
    session: Session,
    *,
    actor: Actor,
    statuses: tuple[str, ...] = (),
    limit: int = 50,
    cursor: str | None = None,
) -> CaseListPage:
    """The cases the actor may see, newest received first."""
    limit = max(1, min(limit, LIST_MAX))
    stmt: Any = (
        select(Case, Region.name)
        .outerjoin(Region, Region.code == Case.village_code)
        .where(visible_to(actor))
        .order_by(Case.created_at.desc(), Case.id.desc())
        .limit(limit + 1)
    )
    if statuses:
        stmt = stmt.where(Case.status.in_(statuses))
    if cursor:
        after_at, after_id = decode_cursor(cursor)
        stmt = stmt.where(
            or_(Case.created_at < after_at, and_(Case.created_at == after_at, Case.id < after_id))
        )
    rows = session.execute(stmt).all()
    items = [CaseListItem.of(case, village_name) for case, village_name in rows[:limit]]
    more = len(rows) > limit
    return CaseListPage(
        items=items,
        next_cursor=encode_cursor(items[-1].received_at, items[-1].id) if more else None,
    )
