"""Cases, tasks and coordinators written straight into the database, moved through their
life cycle by shared.casework.workflow, and the events that produced: what notify is handed.

Coordinators live outside East Java, in Sulawesi and Gorontalo (73, 74, 75), where no
other test routes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message

from sqlalchemy import select

from shared.casework import workflow
from shared.db import UowFactory
from shared.domain import deadlines
from shared.domain.actor import Actor
from shared.domain.lifecycle import Action, Outcome, Reason, State
from shared.domain.tracking import new_tracking_code
from shared.events import Envelope, Event
from shared.models import (
    Case,
    CaseEvent,
    Coordinator,
    Notification,
    OutboxEvent,
    Referral,
    ReferralOffer,
)
from shared.models.base import utcnow

BENEFICIARY = "Siti Aminah Rahayu"
NIK = "7301015203800001"
REPORTER = "Rina Wulandari"
REPORTER_EMAIL = "rina.puskesos@example.org"
NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Scene:
    case_id: uuid.UUID
    tracking_code: str
    referral_id: uuid.UUID
    correlation_id: str


def coordinator(
    uow_factory: UowFactory,
    *,
    pillar: str,
    region: str,
    language: str = "id",
    kind: str = "person",
    name: str | None = None,
    email: bool = True,
) -> uuid.UUID:
    ref = uuid.uuid4().hex[:8]
    with uow_factory() as uow:
        row = Coordinator(
            external_ref=f"test-notify-{ref}",
            name=name or f"{pillar} {region} {ref}",
            kind=kind,
            pillar_code=pillar,
            region_code=region,
            email=f"{pillar.lower()}-{ref}@example.org" if email else None,
            phone="+6281234567890",
            language=language,
        )
        uow.session.add(row)
        uow.commit()
        return row.id


def open_case(
    uow_factory: UowFactory,
    *,
    village: str,
    pillar: str = "TKSK",
    category: str = "FM",
    urgency: str = "high",
    assigned_to: uuid.UUID | None = None,
    offered_to: tuple[uuid.UUID, ...] = (),
    reporter_email: str | None = REPORTER_EMAIL,
) -> Scene:
    """A case with one task, given to `assigned_to` or offered to `offered_to` at once."""
    with uow_factory() as uow:
        case = Case(
            tracking_code=new_tracking_code(today=NOW.date(), length=8),
            status="open",
            category_code=category,
            village_code=village,
            urgency=urgency,
            description="Perlu asesmen",
            beneficiary_name=BENEFICIARY,
            beneficiary_nik=NIK,
            reporter_name=REPORTER,
            reporter_phone="+6285700000001",
            reporter_email=reporter_email,
            reported_by="case_worker:rina",
            correlation_id=uuid.uuid4().hex,
        )
        uow.session.add(case)
        uow.session.flush()
        referral = Referral(
            case_id=case.id,
            pillar_code=pillar,
            coordinator_id=assigned_to,
            status=State.REQUESTED.value,
            purpose="Asesmen kebutuhan",
            purpose_en="Needs assessment",
            start_level="district",
            rule_id="test",
            rules_version="test",
            explanation={},
            assigned_at=NOW,
        )
        uow.session.add(referral)
        uow.session.flush()
        for coordinator_id in offered_to:
            uow.session.add(ReferralOffer(referral_id=referral.id, coordinator_id=coordinator_id))
        uow.commit()
        return Scene(case.id, case.tracking_code, referral.id, case.correlation_id)


def wrap(scene: Scene, event: Event) -> Envelope:
    return Envelope.wrap(event, correlation_id=scene.correlation_id)


def act(
    uow_factory: UowFactory,
    referral_id: uuid.UUID,
    *,
    by: uuid.UUID,
    action: Action,
    reason: Reason | None = None,
    outcome: Outcome | None = None,
) -> None:
    """A coordinator acts on a task through the workflow, as the intake API does."""
    with uow_factory() as uow:
        version = uow.session.get_one(Referral, referral_id).version
        workflow.act(
            uow.session,
            referral_id=referral_id,
            expected_version=version,
            change=workflow.Change(action, reason=reason, outcome=outcome),
            actor=Actor("coordinator", str(by), "Koordinator"),
            now=NOW,
            policy=deadlines.load(),
        )
        uow.commit()


def events(uow_factory: UowFactory, scene: Scene, event_type: str) -> list[Envelope]:
    """The case's events of one type from the outbox, oldest first.

    This stands in for the relay: every event of the case is marked published, so no relay
    of a later test hands them to a running worker.
    """
    with uow_factory() as uow:
        rows = uow.session.scalars(
            select(OutboxEvent).where(OutboxEvent.case_id == scene.case_id).order_by(OutboxEvent.id)
        ).all()
        for row in rows:
            row.published_at = row.published_at or utcnow()
        uow.commit()
        return [Envelope.model_validate(r.envelope) for r in rows if r.event_type == event_type]


def notifications(uow_factory: UowFactory, envelope: Envelope) -> list[Notification]:
    with uow_factory() as uow:
        return list(
            uow.session.scalars(
                select(Notification)
                .where(Notification.event_id == envelope.id)
                .order_by(Notification.kind, Notification.address, Notification.channel)
            )
        )


def timeline(uow_factory: UowFactory, scene: Scene) -> list[CaseEvent]:
    with uow_factory() as uow:
        return list(
            uow.session.scalars(
                select(CaseEvent).where(CaseEvent.case_id == scene.case_id).order_by(CaseEvent.id)
            )
        )


def email_of(uow_factory: UowFactory, coordinator_id: uuid.UUID) -> str:
    with uow_factory() as uow:
        email = uow.session.get_one(Coordinator, coordinator_id).email
        assert email is not None
        return email


def name_of(uow_factory: UowFactory, coordinator_id: uuid.UUID) -> str:
    with uow_factory() as uow:
        return uow.session.get_one(Coordinator, coordinator_id).name


def subject_of(message: Message) -> str:
    """The Subject header unfolded (long headers arrive split over lines)."""
    return " ".join(str(message["Subject"]).split())


def text_of(message: Message) -> str:
    """Subject and body of a received mail."""
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    body = payload.decode().replace("\r\n", "\n")  # SMTP ends lines with CRLF
    return f"{subject_of(message)}\n{body}"
