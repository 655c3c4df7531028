"""Read side of routing: how a case was routed, and what waits in the supervisors' queue."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from services.intake.routing_admin.schemas import (
    CaseRoutingRead,
    DecisionRead,
    Explanation,
    ExplanationText,
    Purpose,
    ReferralRoutingRead,
    RoutedCoordinator,
    UnassignedReferralRead,
)
from shared.domain.routing import engine as routing_engine
from shared.domain.routing import explain
from shared.models import Case, Coordinator, Referral, Region
from shared.models.within import within_region


def case_routing(session: Session, case: Case) -> CaseRoutingRead:
    referrals = session.scalars(
        select(Referral).where(Referral.case_id == case.id).order_by(Referral.created_at)
    ).all()
    coordinators = coordinators_by_id(session, (r.coordinator_id for r in referrals))
    return CaseRoutingRead(
        case_id=case.id,
        tracking_code=case.tracking_code,
        status=case.status,
        referrals=[
            ReferralRoutingRead(
                id=r.id,
                status=r.status,
                created_at=r.created_at,
                pillar=r.pillar_code,
                flagged=r.status == "unassigned",
                coordinator=coordinators.get(r.coordinator_id) if r.coordinator_id else None,
                rule_id=r.rule_id,
                rules_version=r.rules_version,
                care=r.care,
                start_level=r.start_level,
                matched_level=r.matched_level,
                purpose=Purpose(id=r.purpose, en=r.purpose_en),
                # The columns are the record; the stored explanation adds the candidates.
                explanation=explanation(
                    {
                        **r.explanation,
                        "rule_id": r.rule_id,
                        "rules_version": r.rules_version,
                        "pillar": r.pillar_code,
                        "care": r.care,
                        "start_level": r.start_level,
                        "matched_level": r.matched_level,
                    },
                    purpose=Purpose(id=r.purpose, en=r.purpose_en),
                ),
            )
            for r in referrals
        ],
    )


def decisions_view(
    session: Session, decisions: Sequence[routing_engine.Decision]
) -> list[DecisionRead]:
    coordinators = coordinators_by_id(session, (d.coordinator_id for d in decisions))
    views = []
    for d in decisions:
        purpose = Purpose(id=d.purpose_id, en=d.purpose_en)
        views.append(
            DecisionRead(
                pillar=d.pillar,
                flagged=d.coordinator_id is None,
                coordinator=coordinators.get(d.coordinator_id) if d.coordinator_id else None,
                rule_id=d.rule_id,
                rules_version=d.rules_version,
                care=d.care.value,
                start_level=d.start_level.value,
                matched_level=d.matched_level.value if d.matched_level else None,
                purpose=purpose,
                explanation=explanation(d.explanation, purpose=purpose),
            )
        )
    return views


def explanation(recorded: dict[str, Any], *, purpose: Purpose) -> Explanation:
    def text(language: str, words: str) -> ExplanationText:
        said = explain.describe(recorded, purpose=words, language=language)
        return ExplanationText(summary=said.summary, candidates=said.candidates)

    return Explanation(id=text("id", purpose.id), en=text("en", purpose.en))


def coordinators_by_id(
    session: Session, ids: Iterable[uuid.UUID | None]
) -> dict[uuid.UUID, RoutedCoordinator]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(
        select(Coordinator.id, Coordinator.name, Coordinator.region_code, Region.name)
        .outerjoin(Region, Region.code == Coordinator.region_code)
        .where(Coordinator.id.in_(wanted))
    )
    return {
        cid: RoutedCoordinator(id=cid, name=name, region_code=code, region_name=region)
        for cid, name, code, region in rows
    }


def unassigned(
    session: Session,
    *,
    region: str | None,
    limit: int,
    conditions: Iterable[ColumnElement[bool]] = (),
) -> list[UnassignedReferralRead]:
    """Referrals no coordinator could take, newest first; `region` is a code prefix, and
    `conditions` narrow the tasks further (the dashboard's filters)."""
    query = (
        select(Referral, Case, Region.name)
        .join(Case, Referral.case_id == Case.id)
        .outerjoin(Region, Region.code == Case.village_code)
        .where(Referral.status == "unassigned", *conditions)
        .order_by(Referral.created_at.desc(), Referral.id.desc())
        .limit(limit)
    )
    if region:
        query = query.where(within_region(Case.village_code, region))
    return [
        UnassignedReferralRead(
            referral_id=referral.id,
            case_id=case.id,
            tracking_code=case.tracking_code,
            category=case.category_code,
            urgency=case.urgency,
            village_code=case.village_code,
            village_name=village_name,
            pillar=referral.pillar_code,
            purpose=Purpose(id=referral.purpose, en=referral.purpose_en),
            created_at=referral.created_at,
        )
        for referral, case, village_name in session.execute(query)
    ]
