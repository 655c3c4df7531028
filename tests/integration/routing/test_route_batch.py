"""Routing a batch of events in one transaction (handlers.handle_batch): every event
once, in order, the round-robin and capacity seen across the batch, and one event that
cannot be routed does not hold back the others. Provinces outside East Java (Bali 51)."""

from __future__ import annotations

import uuid

import pytest

from services.routing import handlers
from shared.db import UowFactory
from shared.events import CaseReceived, Envelope
from shared.runtime.batches import PoisonedEvents
from tests.integration.factories import add_coordinator, submit
from tests.integration.routing.test_route_case import (
    events_of,
    received_envelope,
    referrals_of,
    routing,
)


def test_a_batch_routes_each_case_once_sharing_the_work_round_robin(
    uow_factory: UowFactory,
) -> None:
    first = add_coordinator(uow_factory, pillar="TKSK", region="51.03.02")
    second = add_coordinator(uow_factory, pillar="TKSK", region="51.03.02")
    cases = [submit(uow_factory, category="LUT", village="51.03.02.2001") for _ in range(4)]
    batch = [received_envelope(uow_factory, case_id) for case_id in cases]
    handlers.handle_batch(uow_factory=uow_factory, envelopes=batch + batch[:2], routing=routing())
    holders = [referrals_of(uow_factory, case_id)[0].coordinator_id for case_id in cases]
    # Later decisions of the batch saw the earlier assignments: the two take turns.
    assert sorted(map(str, holders)) == sorted(map(str, [first, second, first, second]))
    assert holders[0] != holders[1] and holders[2] != holders[3]
    for case_id in cases:
        assert events_of(uow_factory, case_id) == ["CaseReceived", "ReferralAssigned"]
    # Delivered again (a redelivered message): nothing new.
    handlers.handle_batch(uow_factory=uow_factory, envelopes=batch, routing=routing())
    assert all(len(referrals_of(uow_factory, case_id)) == 1 for case_id in cases)


def test_capacity_counts_the_tasks_given_earlier_in_the_same_batch(
    uow_factory: UowFactory,
) -> None:
    small = add_coordinator(uow_factory, pillar="TKSK", region="51.03.03", capacity=1)
    spare = add_coordinator(uow_factory, pillar="TKSK", region="51.03")
    cases = [submit(uow_factory, category="PD", village="51.03.03.2001") for _ in range(2)]
    handlers.handle_batch(
        uow_factory=uow_factory,
        envelopes=[received_envelope(uow_factory, case_id) for case_id in cases],
        routing=routing(),
    )
    holders = {referrals_of(uow_factory, case_id)[0].coordinator_id for case_id in cases}
    assert holders == {small, spare}


def test_an_event_that_cannot_be_routed_does_not_hold_back_the_others(
    uow_factory: UowFactory,
) -> None:
    add_coordinator(uow_factory, pillar="TKSK", region="51.03.04")
    before = submit(uow_factory, category="LUT", village="51.03.04.2001")
    after = submit(uow_factory, category="LUT", village="51.03.04.2001")
    # A case that does not exist: routing it raises LookupError every time.
    poisoned = Envelope.wrap(CaseReceived(case_id=uuid.uuid4()), correlation_id="poisoned")
    batch = [
        received_envelope(uow_factory, before),
        poisoned,
        received_envelope(uow_factory, after),
    ]
    with pytest.raises(PoisonedEvents) as raised:
        handlers.handle_batch(uow_factory=uow_factory, envelopes=batch, routing=routing())
    assert [bad.item.id for bad in raised.value.poisoned] == [poisoned.id]
    assert isinstance(raised.value.poisoned[0].error, LookupError)
    for case_id in (before, after):
        assert events_of(uow_factory, case_id) == ["CaseReceived", "ReferralAssigned"]
