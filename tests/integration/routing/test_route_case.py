"""The routing consumer against a real database. These tests use provinces outside East
Java (Bali 51, NTB 52) so that the demo directory loaded by other tests cannot interfere."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from services.routing import handlers
from shared.db import UowFactory
from shared.events import Envelope
from shared.models import Case, CaseEvent, OutboxEvent, Referral
from shared.routing.directory import SnapshotCache
from tests.integration.factories import add_coordinator, submit


def routing() -> handlers.Routing:
    """Fresh caches: these tests change the directory between decisions."""
    return handlers.Routing(directory=SnapshotCache(check_every=0))


def received_envelope(uow_factory: UowFactory, case_id: uuid.UUID) -> Envelope:
    with uow_factory() as uow:
        row = uow.session.scalars(
            select(OutboxEvent).where(
                OutboxEvent.case_id == case_id, OutboxEvent.event_type == "CaseReceived"
            )
        ).one()
        return Envelope.model_validate(row.envelope)


def referrals_of(uow_factory: UowFactory, case_id: uuid.UUID) -> list[Referral]:
    with uow_factory() as uow:
        return list(uow.session.scalars(select(Referral).where(Referral.case_id == case_id)))


def events_of(uow_factory: UowFactory, case_id: uuid.UUID) -> list[str]:
    with uow_factory() as uow:
        return list(
            uow.session.scalars(
                select(OutboxEvent.event_type)
                .where(OutboxEvent.case_id == case_id)
                .order_by(OutboxEvent.id)
            )
        )


def test_a_received_case_is_assigned_to_the_tksk_of_its_kecamatan(
    uow_factory: UowFactory,
) -> None:
    tksk = add_coordinator(uow_factory, pillar="TKSK", region="51.01.01")
    case_id = submit(uow_factory, category="LUT", village="51.01.01.2001")
    envelope = received_envelope(uow_factory, case_id)
    handlers.handle(uow_factory=uow_factory, envelope=envelope, routing=routing())
    [referral] = referrals_of(uow_factory, case_id)
    assert (referral.coordinator_id, referral.status, referral.matched_level) == (
        tksk,
        "requested",
        "district",
    )
    assert events_of(uow_factory, case_id) == ["CaseReceived", "ReferralAssigned"]
    with uow_factory() as uow:
        assert uow.session.get_one(Case, case_id).status == "open"
        kinds = uow.session.scalars(
            select(CaseEvent.kind).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
        )
        assert list(kinds) == ["case_received", "referral_assigned"]


def test_the_same_event_delivered_twice_assigns_the_case_once(uow_factory: UowFactory) -> None:
    add_coordinator(uow_factory, pillar="TKSK", region="51.01.02")
    case_id = submit(uow_factory, category="GEL", village="51.01.02.2001")
    envelope = received_envelope(uow_factory, case_id)
    for _ in range(3):
        handlers.handle(uow_factory=uow_factory, envelope=envelope, routing=routing())
    assert len(referrals_of(uow_factory, case_id)) == 1
    assert events_of(uow_factory, case_id) == ["CaseReceived", "ReferralAssigned"]


def test_a_case_with_no_coordinator_anywhere_lands_in_the_supervisors_queue(
    uow_factory: UowFactory,
) -> None:
    case_id = submit(uow_factory, category="KAT", village="52.01.01.2002")
    handlers.handle(
        uow_factory=uow_factory, envelope=received_envelope(uow_factory, case_id), routing=routing()
    )
    [referral] = referrals_of(uow_factory, case_id)
    assert (referral.status, referral.coordinator_id, referral.pillar_code) == (
        "unassigned",
        None,
        "PSM",
    )
    assert referral.explanation["chosen"] is None
    assert referral.explanation["areas"] == ["52.01.01.2002", "52.01.01", "52.01", "52"]
    assert events_of(uow_factory, case_id) == ["CaseReceived", "ReferralUnroutable"]


def test_a_full_coordinator_is_skipped_for_one_with_room(uow_factory: UowFactory) -> None:
    full = add_coordinator(uow_factory, pillar="TKSK", region="51.02.01", capacity=1)
    spare = add_coordinator(uow_factory, pillar="TKSK", region="51.02")
    first = submit(uow_factory, category="PD", village="51.02.01.2001")
    handlers.handle(
        uow_factory=uow_factory, envelope=received_envelope(uow_factory, first), routing=routing()
    )
    second = submit(uow_factory, category="PD", village="51.02.01.2001")
    handlers.handle(
        uow_factory=uow_factory, envelope=received_envelope(uow_factory, second), routing=routing()
    )
    assert referrals_of(uow_factory, first)[0].coordinator_id == full
    [later] = referrals_of(uow_factory, second)
    assert later.coordinator_id == spare
    assert later.matched_level == "regency"
    reasons = {c["id"]: c["reason"] for c in later.explanation["considered"]}
    assert reasons[str(full)] == "at_capacity"
