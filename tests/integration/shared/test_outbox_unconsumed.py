"""The reconciliation sweep for tasks and notifications: an event its consumer never
recorded, long after publishing, is published again; recorded, fresh or hopeless ones are
left alone."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select, update

from shared.db import UowFactory
from shared.events import ReferralAssigned
from shared.models import OutboxEvent, ProcessedEvent
from shared.models.base import utcnow
from shared.outbox import relay as outbox
from shared.outbox.store import add_event


def staged(uow_factory: UowFactory, *, published_ago: timedelta, republished: int = 0) -> uuid.UUID:
    """A ReferralAssigned in the outbox, published `published_ago`, about no real case (the
    sweep reads only the outbox and processed_events)."""
    event = ReferralAssigned(
        case_id=uuid.uuid4(),
        referral_id=uuid.uuid4(),
        pillar_code="TKSK",
        coordinator_id=uuid.uuid4(),
    )
    with uow_factory() as uow:
        envelope = add_event(uow.session, event, correlation_id="sweep-test")
        uow.session.flush()
        uow.session.execute(
            update(OutboxEvent)
            .where(OutboxEvent.event_id == envelope.id)
            .values(published_at=utcnow() - published_ago, republished=republished)
        )
        uow.commit()
    return envelope.id


def state(uow_factory: UowFactory, event_id: uuid.UUID) -> tuple[bool, int]:
    with uow_factory() as uow:
        row = uow.session.scalars(select(OutboxEvent).where(OutboxEvent.event_id == event_id)).one()
        return row.published_at is not None, row.republished


def settle(uow_factory: UowFactory, event_ids: list[uuid.UUID]) -> None:
    """Mark the staged events published, so no relay of this run sends them to a worker."""
    with uow_factory() as uow:
        uow.session.execute(
            update(OutboxEvent)
            .where(OutboxEvent.event_id.in_(event_ids))
            .values(published_at=utcnow())
        )
        uow.commit()


def test_the_sweep_republishes_a_notification_event_notify_never_recorded(
    uow_factory: UowFactory,
) -> None:
    lost = staged(uow_factory, published_ago=timedelta(minutes=10))
    try:
        again = outbox.republish_unconsumed_events(
            uow_factory=uow_factory, older_than=timedelta(minutes=5)
        )
        assert again >= 1
        assert state(uow_factory, lost) == (False, 1)
    finally:
        settle(uow_factory, [lost])


def test_the_sweep_leaves_recorded_fresh_and_hopeless_events_alone(
    uow_factory: UowFactory,
) -> None:
    recorded = staged(uow_factory, published_ago=timedelta(minutes=10))
    with uow_factory() as uow:
        uow.session.add(ProcessedEvent(consumer="notify", event_id=recorded, processed_at=utcnow()))
        uow.commit()
    fresh = staged(uow_factory, published_ago=timedelta(seconds=5))
    hopeless = staged(
        uow_factory, published_ago=timedelta(minutes=10), republished=outbox.MAX_REPUBLISH
    )
    try:
        outbox.republish_unconsumed_events(uow_factory=uow_factory, older_than=timedelta(minutes=5))
        assert state(uow_factory, recorded) == (True, 0)
        assert state(uow_factory, fresh) == (True, 0)
        assert state(uow_factory, hopeless) == (True, outbox.MAX_REPUBLISH)
    finally:
        settle(uow_factory, [recorded, fresh, hopeless])
