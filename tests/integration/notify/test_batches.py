"""Notify on a batch of events (handlers.handle_batch): each event's notifications
recorded once in one transaction and every e-mail sent; an event that cannot be recorded
does not hold back the others; the batch again changes nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from services.notify import handlers
from services.notify.channels.base import Channel
from shared.db import UowFactory
from shared.domain.notice import RetryPolicy
from shared.events import Envelope, ReferralDeadlineApproaching
from shared.runtime.batches import PoisonedEvents
from tests.e2e.stack import SmtpServer
from tests.integration.notify import scenes
from tests.integration.notify.conftest import delivery


def reminder(uow_factory: UowFactory, village: str) -> tuple[scenes.Scene, Envelope]:
    tksk = scenes.coordinator(uow_factory, pillar="TKSK", region=village[:8])
    scene = scenes.open_case(uow_factory, village=village, assigned_to=tksk)
    return scene, scenes.wrap(scene, _approaching(scene.case_id, scene.referral_id))


def _approaching(case_id: uuid.UUID, referral_id: uuid.UUID) -> ReferralDeadlineApproaching:
    return ReferralDeadlineApproaching(
        case_id=case_id,
        referral_id=referral_id,
        step="accept",
        due_at=datetime(2026, 11, 27, 10, 0, tzinfo=UTC),
    )


def test_a_batch_records_and_sends_each_event_once_past_a_poisoned_one(
    uow_factory: UowFactory, smtp: SmtpServer, channels: dict[str, Channel]
) -> None:
    villages = ("73.01.02.1001", "73.01.02.1002", "73.01.02.2003")
    scenes_and_events = [reminder(uow_factory, village) for village in villages]
    # About a task that does not exist: recording it fails every time.
    poisoned = Envelope.wrap(_approaching(uuid.uuid4(), uuid.uuid4()), correlation_id="poisoned")
    batch = [scenes_and_events[0][1], poisoned, *(e for _, e in scenes_and_events[1:])]
    context = delivery(uow_factory, channels, retry=RetryPolicy(fast_attempts=2, schedule=()))

    with pytest.raises(PoisonedEvents) as raised:
        handlers.handle_batch(envelopes=batch, delivery=context)
    assert [bad.item.id for bad in raised.value.poisoned] == [poisoned.id]

    handlers.handle_batch(envelopes=[e for _, e in scenes_and_events], delivery=context)
    for scene, envelope in scenes_and_events:
        states = {n.channel: n.state for n in scenes.notifications(uow_factory, envelope)}
        assert states == {"inapp": "sent", "email": "sent"}
        assert len(smtp.mailbox.for_tracking_code(scene.tracking_code)) == 1
