"""Read side of the intake: what a case looks like to the people tracking it."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.intake.access import scope
from services.intake.casework import clocks
from services.intake.referrals import schemas
from shared.domain import access, categories, nik, regions, tracking
from shared.domain.access import Disclosure
from shared.domain.actor import Actor
from shared.domain.deadlines import DeadlinePolicy
from shared.duplicates import find as duplicates
from shared.duplicates.merge import UNDO_WITHIN
from shared.models import Case, CaseEvent, Category, Coordinator, Notification, Referral, Region


def find_case(session: Session, ref: str) -> Case | None:
    """A case by its id or by its tracking code."""
    try:
        return session.get(Case, uuid.UUID(ref))
    except ValueError:
        return session.scalar(select(Case).where(Case.tracking_code == ref.strip().upper()))


def disclosure_for(session: Session, actor: Actor, case: Case) -> tuple[Disclosure, str]:
    """What `actor` may see of `case` (shared/domain/access.py), and the basis to record in
    the audit trail."""
    relation, basis, pillar_sees = scope.relation(session, actor, case)
    return access.disclosure(actor.kind, relation, pillar_sees_identity=pillar_sees), basis


def case_view(
    session: Session,
    case: Case,
    *,
    disclosure: Disclosure,
    policy: DeadlinePolicy,
    now: datetime,
) -> schemas.CaseRead:
    """The case as someone with `disclosure` may see it (shared/domain/access.py)."""
    category = session.get_one(Category, case.category_code)
    referrals = session.scalars(
        select(Referral).where(Referral.case_id == case.id).order_by(Referral.created_at)
    ).all()
    notifications = session.scalars(
        select(Notification)
        .where(Notification.case_id == case.id)
        .order_by(Notification.created_at, Notification.channel)
    ).all()
    timeline = session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
    ).all()
    coordinator_ids = {r.coordinator_id for r in referrals} | {
        n.coordinator_id for n in notifications
    }
    coordinators = {
        c.id: c
        for c in session.scalars(
            select(Coordinator).where(Coordinator.id.in_([i for i in coordinator_ids if i]))
        )
    }
    return schemas.CaseRead(
        id=case.id,
        tracking_code=case.tracking_code,
        status=case.status,
        category=schemas.CategoryRead(
            code=category.code, name_id=category.name_id, name_en=category.name_en
        ),
        urgency=case.urgency,
        description=case.description if disclosure.description else "",
        place=place_view(session, case.village_code),
        beneficiary=schemas.BeneficiaryRead(
            name=case.beneficiary_name
            if disclosure.full_name
            else tracking.initials(case.beneficiary_name),
            nik_masked=nik.mask(case.beneficiary_nik),
            nik=case.beneficiary_nik if disclosure.full_nik else None,
            birth_date=case.beneficiary_birth_date if disclosure.birth_date else None,
            sex=case.beneficiary_sex,
        ),
        reporter_name=case.reporter_name,
        reporter_organisation=case.reporter_organisation,
        reporter_phone=case.reporter_phone if disclosure.contact else None,
        reporter_email=case.reporter_email if disclosure.contact else None,
        legal_basis=case.legal_basis,
        created_at=case.created_at,
        referrals=[
            _referral_view(
                r,
                coordinators.get(r.coordinator_id) if r.coordinator_id else None,
                policy=policy,
                now=now,
            )
            for r in referrals
        ],
        notifications=[
            schemas.NotificationRead(
                id=n.id,
                kind=n.kind,
                channel=n.channel,
                state=n.state,
                recipient=_recipient(n, coordinators),
                sent_at=n.sent_at,
            )
            for n in notifications
        ],
        timeline=[
            schemas.TimelineEntry(
                kind=e.kind, actor=e.actor, occurred_at=e.occurred_at, data=e.data
            )
            for e in timeline
        ],
        **merge_view(session, case),
    )


def merge_view(session: Session, case: Case) -> dict[str, Any]:
    """The case's standing duplicate flags, where it was merged, what was merged into it."""
    into = None
    if case.merged_into_id is not None and case.merged_at is not None:
        codes = duplicates.tracking_codes(session, [case.merged_into_id])
        into = schemas.MergeRead(
            case_id=case.merged_into_id,
            tracking_code=codes[case.merged_into_id],
            merged_at=case.merged_at,
            merged_by=case.merged_by or "",
            undo_until=case.merged_at + UNDO_WITHIN,
        )
    table = Case.__table__  # codes only, past the reader's row scope (see tracking_codes)
    merged_from = session.execute(
        select(table.c.id, table.c.tracking_code)
        .where(table.c.merged_into_id == case.id)
        .order_by(table.c.tracking_code)
    ).all()
    return {
        "possible_duplicates": [
            schemas.PossibleDuplicateRead(
                case_id=f.case_id, tracking_code=f.tracking_code, match=f.match, score=f.score
            )
            for f in duplicates.standing(session, case.id)
        ],
        "merged_into": into,
        "merged_from": [schemas.CaseLink(case_id=i, tracking_code=c) for i, c in merged_from],
    }


def place_view(session: Session, village_code: str) -> schemas.PlaceRead:
    return places(session, [village_code])[village_code]


def places(session: Session, village_codes: Iterable[str]) -> dict[str, schemas.PlaceRead]:
    """Each village with its kecamatan and kab/kota names, in one query."""
    chains = {code: regions.ancestors(code)[:3] for code in set(village_codes)}
    wanted = {code for chain in chains.values() for code in chain}
    names = {r.code: r.name for r in session.scalars(select(Region).where(Region.code.in_(wanted)))}
    return {
        code: schemas.PlaceRead(
            village_code=code,
            village=names.get(village, village),
            kecamatan=names.get(district, district),
            kab_kota=names.get(regency, regency),
        )
        for code, (village, district, regency) in chains.items()
    }


def _referral_view(
    referral: Referral, coordinator: Coordinator | None, *, policy: DeadlinePolicy, now: datetime
) -> schemas.ReferralRead:
    return schemas.ReferralRead(
        id=referral.id,
        version=referral.version,
        pillar=referral.pillar_code,
        status=referral.status,
        purpose=referral.purpose,
        matched_level=referral.matched_level,
        coordinator=(
            schemas.CoordinatorRead(
                id=coordinator.id,
                name=coordinator.name,
                pillar=coordinator.pillar_code,
                region_code=coordinator.region_code,
            )
            if coordinator
            else None
        ),
        parent_id=referral.parent_id,
        replaces_id=referral.replaces_id,
        reason_code=referral.reason_code,
        outcome_code=referral.outcome_code,
        due=clocks.due_times(referral),
        standing=clocks.standing(referral, policy=policy, now=now),
        created_at=referral.created_at,
    )


def _recipient(n: Notification, coordinators: dict[uuid.UUID, Coordinator]) -> str | None:
    if n.coordinator_id and n.coordinator_id in coordinators:
        return coordinators[n.coordinator_id].name
    # A group ("reporter", "supervisors:35.08"): its key sits between the event id and the
    # channel in the dedup key. The address (an e-mail) is never shown.
    return n.dedup_key[len(str(n.event_id)) + 1 : -(len(n.channel) + 1)]


def region_with_children(session: Session, code: str) -> schemas.RegionRead | None:
    region = session.get(Region, code)
    if region is None:
        return None
    children = session.scalars(
        select(Region).where(Region.parent_code == code).order_by(Region.code)
    ).all()
    return schemas.RegionRead(
        code=region.code,
        name=region.name,
        level=region.level,
        parent_code=region.parent_code,
        children=[
            schemas.RegionRead(code=c.code, name=c.name, level=c.level, parent_code=c.parent_code)
            for c in children
        ],
    )


def list_categories(session: Session) -> list[schemas.CategoryRead]:
    official_order = {c.code: i for i, c in enumerate(categories.CATEGORIES)}
    rows = sorted(session.scalars(select(Category)), key=lambda c: official_order.get(c.code, 99))
    return [schemas.CategoryRead(code=c.code, name_id=c.name_id, name_en=c.name_en) for c in rows]
