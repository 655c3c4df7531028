"""The rows of the dashboard's tables (the supervisors' queue, dead-lettered notifications,
the latest cases) under the dashboard's filters, and their CSV records.

The filters mean what they mean to the charts (services/intake/dashboard): the region
(within the jurisdiction), pillar, category and urgency narrow every table; the period
narrows the latest cases (received in it), while the queue and the dead letters are what
waits now, as the summary's "unassigned" and "dead notifications" figures count them.
Rows are read through the caller's scoped session: a supervisor only gets their
jurisdiction, whatever the filters say.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.intake.dashboard import measures
from services.intake.dashboard.sql import Filters, case_conditions, task_conditions, within
from services.intake.referrals.case_list import CaseListItem
from services.intake.routing_admin import views as routing_views
from services.intake.routing_admin.schemas import UnassignedReferralRead
from shared.domain import categories, pillars, regions
from shared.domain.actor import Actor
from shared.domain.notice import NotificationState
from shared.domain.urgency import Urgency
from shared.models import Case, Notification, Referral, Region

SHOWN = 20
LATEST = 10
EXPORTED = 5000
_CATEGORIES = frozenset(c.code for c in categories.CATEGORIES)
_PILLARS = frozenset(p.code for p in pillars.PILLARS)
_URGENCIES = frozenset(u.value for u in Urgency)


def day_of(value: str) -> date | None:
    """A date as people write it (DD-MM-YYYY) or as the API does (YYYY-MM-DD)."""
    value = value.strip()
    if not value:
        return None
    try:
        return datetime.strptime(value, "%d-%m-%Y").date()
    except ValueError:
        pass
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


_day = day_of


def filters(actor: Actor, params: Mapping[str, str], *, now: datetime) -> Filters:
    """The dashboard's filters from the page's query; a value that is not valid (or a
    region outside the jurisdiction) is left out rather than refused, as a page does."""
    region = params.get("region", "").strip()
    area = actor.jurisdiction
    if region and regions.is_well_formed(region):
        try:
            area = measures.scope(actor.jurisdiction, region)
        except ValueError:
            area = actor.jurisdiction
    try:
        span = measures.period(
            first=_day(params.get("from", "")), last=_day(params.get("to", "")), now=now
        )
    except measures.PeriodError:
        span = measures.period(first=None, last=None, now=now)
    pillar, category, urgency = (params.get(k, "") for k in ("pillar", "category", "urgency"))
    return Filters(
        scope=area,
        period=span,
        now=now,
        pillar=pillar if pillar in _PILLARS else None,
        category=category if category in _CATEGORIES else None,
        urgency=urgency if urgency in _URGENCIES else None,
    )


def queue(session: Session, f: Filters, *, limit: int = SHOWN) -> list[UnassignedReferralRead]:
    """Tasks no coordinator could take, newest first."""
    return routing_views.unassigned(
        session, region=None, limit=limit, conditions=task_conditions(f)
    )


@dataclass(frozen=True, slots=True)
class DeadRow:
    notification: Notification
    tracking_code: str
    case_id: uuid.UUID


def dead(session: Session, f: Filters, *, limit: int = SHOWN) -> list[DeadRow]:
    """Notifications no channel could deliver, newest first."""
    query = (
        select(Notification, Case.tracking_code, Case.id)
        .join(Case, Case.id == Notification.case_id)
        .where(Notification.state == NotificationState.DEAD, *case_conditions(f))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
    )
    if f.pillar:
        query = query.join(Referral, Referral.id == Notification.referral_id).where(
            Referral.pillar_code == f.pillar
        )
    return [DeadRow(n, code, case_id) for n, code, case_id in session.execute(query)]


def latest(session: Session, f: Filters, *, limit: int = LATEST) -> list[CaseListItem]:
    """Cases received in the period, newest first; with a pillar, those with a task of it."""
    query = (
        select(Case, Region.name)
        .outerjoin(Region, Region.code == Case.village_code)
        .where(within(Case.created_at, f.period), *case_conditions(f))
        .order_by(Case.created_at.desc(), Case.id.desc())
        .limit(limit)
    )
    if f.pillar:
        query = query.where(
            Case.id.in_(select(Referral.case_id).where(Referral.pillar_code == f.pillar))
        )
    return [CaseListItem.of(case, village_name) for case, village_name in session.execute(query)]


QUEUE_COLUMNS = (
    "tracking_code",
    "case_id",
    "referral_id",
    "pillar",
    "category",
    "urgency",
    "village_code",
    "village_name",
    "created_at",
)
DEAD_COLUMNS = (
    "tracking_code",
    "case_id",
    "notification_id",
    "referral_id",
    "channel",
    "kind",
    "attempts",
    "last_error",
    "created_at",
)


def queue_records(rows: Iterable[UnassignedReferralRead]) -> list[dict[str, Any]]:
    return [
        {
            "tracking_code": r.tracking_code,
            "case_id": r.case_id,
            "referral_id": r.referral_id,
            "pillar": r.pillar,
            "category": r.category,
            "urgency": r.urgency,
            "village_code": r.village_code,
            "village_name": r.village_name or "",
            "created_at": r.created_at.isoformat(),
        }
        for r in rows
    ]


def dead_records(rows: Iterable[DeadRow]) -> list[dict[str, Any]]:
    return [
        {
            "tracking_code": r.tracking_code,
            "case_id": r.case_id,
            "notification_id": r.notification.id,
            "referral_id": r.notification.referral_id or "",
            "channel": r.notification.channel,
            "kind": r.notification.kind,
            "attempts": r.notification.attempts,
            "last_error": (r.notification.last_error or "")[:200],
            "created_at": r.notification.created_at.isoformat(),
        }
        for r in rows
    ]


def filename(name: str, f: Filters) -> str:
    return f"sekber-{name}-{f.scope or 'nasional'}-{measures.wib_day(f.now)}.csv"
