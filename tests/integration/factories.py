"""Rows for integration tests, written through the real database."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.intake.referrals.schemas import BeneficiaryIn, ReferralCreate, ReporterIn
from services.intake.referrals.service import submit_referral
from services.routing import handlers
from shared.db import UowFactory
from shared.domain.routing.facts import Need
from shared.domain.urgency import Urgency
from shared.events import Envelope
from shared.models import Case, Coordinator, OutboxEvent, Referral
from shared.routing.directory import SnapshotCache
from shared.routing.rulestore import default_text

# A rule that sends an elderly person to the village PSM instead of the kecamatan TKSK.
ELDERLY_TO_PSM = """
[[rule]]
id = "elderly-psm"
when.categories = ["LUT"]
overrides = ["elderly"]
[[rule.task]]
pillar = "PSM"
start_level = "village"
purpose_id = "Pendampingan lansia oleh PSM desa"
purpose_en = "Support for the elderly person by the village PSM"
"""


def draft_rules(version: str | None = None, *, extra: str = "") -> str:
    """The shipped rules under a new version (unique unless given), with `extra` appended."""
    version = version or f"test-{uuid.uuid4().hex[:12]}"
    text = re.sub(r'(?m)^version = ".*"$', f'version = "{version}"', default_text(), count=1)
    return text + extra


def add_coordinator(
    uow_factory: UowFactory,
    *,
    pillar: str,
    region: str,
    active: bool = True,
    capacity: int = 25,
    email: str | None = None,
    name: str | None = None,
) -> uuid.UUID:
    with uow_factory() as uow:
        c = Coordinator(
            external_ref=f"test-{uuid.uuid4()}",
            name=name or f"{pillar} {region}",
            kind="person",
            pillar_code=pillar,
            region_code=region,
            active=active,
            capacity=capacity,
            email=email,
        )
        uow.session.add(c)
        uow.commit()
        return c.id


def add_task(
    session: Session, village: str, pillar: str, status: str, created: datetime, *,
    reason: str | None = None, coordinator: uuid.UUID | None = None,
    **times: datetime | None,
) -> None:  # fmt: skip
    """A case in `village` with one task of `pillar` (held by `coordinator`), written
    around the API as the counts of the dashboard and the service gaps read them; `times`:
    accepted, closed, accept_due."""
    case = Case(tracking_code=f"GAP-{uuid.uuid4().hex[:10]}", status="open",
                category_code="LUT", village_code=village, urgency="high",
                description="service gaps test", needs=[], beneficiary_name="X",
                reporter_name="Y", correlation_id="gaps", created_at=created)  # fmt: skip
    session.add(case)
    session.flush()
    session.add(
        Referral(
            case_id=case.id,
            pillar_code=pillar,
            status=status,
            purpose="t",
            purpose_en="t",
            start_level="district",
            rule_id="test",
            rules_version="test",
            explanation={},
            reason_code=reason,
            coordinator_id=coordinator,
            created_at=created,
            accepted_at=times.get("accepted"),
            closed_at=times.get("closed"),
            accept_due_at=times.get("accept_due"),
        )
    )


def submit(
    uow_factory: UowFactory,
    *,
    category: str,
    village: str,
    name: str = "Siti Aminah",
    needs: tuple[Need, ...] = (),
) -> uuid.UUID:
    data = ReferralCreate(
        category=category,
        village_code=village,
        urgency=Urgency.HIGH,
        needs=list(needs),
        description="Perlu asesmen",
        beneficiary=BeneficiaryIn(name=name),
        reporter=ReporterIn(name="Petugas Puskesos"),
    )
    result = submit_referral(
        uow_factory=uow_factory,
        data=data,
        idempotency_key=None,
        correlation_id=uuid.uuid4().hex,
        today=date.today(),
    )
    return result.case.id


def route(uow_factory: UowFactory, case_id: uuid.UUID) -> None:
    """Deliver the case's CaseReceived to the routing handler, with fresh caches."""
    with uow_factory() as uow:
        row = uow.session.scalars(
            select(OutboxEvent).where(
                OutboxEvent.case_id == case_id, OutboxEvent.event_type == "CaseReceived"
            )
        ).one()
        envelope = Envelope.model_validate(row.envelope)
    handlers.handle(
        uow_factory=uow_factory,
        envelope=envelope,
        routing=handlers.Routing(directory=SnapshotCache(check_every=0)),
    )
