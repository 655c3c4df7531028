"""Rows for integration tests, written through the real database."""

from __future__ import annotations

import uuid
from datetime import date

from services.intake.referrals import submit_referral
from services.intake.schemas import BeneficiaryIn, ReferralCreate, ReporterIn
from shared.db import UowFactory
from shared.domain.urgency import Urgency
from shared.models import Coordinator


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


def submit(
    uow_factory: UowFactory, *, category: str, village: str, name: str = "Siti Aminah"
) -> uuid.UUID:
    data = ReferralCreate(
        category=category,
        village_code=village,
        urgency=Urgency.HIGH,
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
