"""The webhook feed and the messaging gateway, against real HTTP servers."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from services.notify import handlers
from services.notify.channels import webhook
from services.notify.channels.base import Channel
from services.notify.channels.registry import enabled_channels
from shared.config import Settings
from shared.db import UowFactory
from shared.events import Envelope, ReferralDeadlineApproaching
from tests.integration.notify import scenes
from tests.integration.notify.conftest import BASE_URL, deliver
from tests.integration.notify.receivers import SECRET, Receiver

VILLAGE = "76.01.01.1006"  # Bambalamotu, Pasangkayu
TOKEN = "gateway-test-token"


@pytest.fixture
def hook() -> Iterator[Receiver]:
    with Receiver(secret=SECRET) as receiver:
        yield receiver


@pytest.fixture
def gateway() -> Iterator[Receiver]:
    with Receiver() as receiver:
        yield receiver


@pytest.fixture
def channels(hook: Receiver, gateway: Receiver) -> dict[str, Channel]:
    settings = Settings(
        environment="test",
        webhook_url=hook.url,
        webhook_secret=SECRET,
        gateway_url=gateway.url,
        gateway_token=TOKEN,
        webhook_timeout_seconds=5,
        gateway_timeout_seconds=5,
    )
    return enabled_channels(settings)


def reminder(uow_factory: UowFactory) -> tuple[scenes.Scene, Envelope]:
    tksk = scenes.coordinator(uow_factory, pillar="TKSK", region="76.01.01", email=False)
    scene = scenes.open_case(uow_factory, village=VILLAGE, assigned_to=tksk)
    envelope = scenes.wrap(
        scene,
        ReferralDeadlineApproaching(
            case_id=scene.case_id,
            referral_id=scene.referral_id,
            step="accept",
            due_at=datetime(2026, 11, 27, 10, 0, tzinfo=UTC),
        ),
    )
    return scene, envelope


def handle(uow_factory: UowFactory, envelope: Envelope, channels: dict[str, Channel]) -> None:
    deliver(uow_factory, envelope, channels)


def states(uow_factory: UowFactory, envelope: Envelope) -> dict[str, tuple[str, int]]:
    return {n.channel: (n.state, n.attempts) for n in scenes.notifications(uow_factory, envelope)}


def test_the_webhook_feed_is_signed_and_sent_once_when_the_event_is_handled_twice(
    uow_factory: UowFactory, channels: dict[str, Channel], hook: Receiver, gateway: Receiver
) -> None:
    scene, envelope = reminder(uow_factory)

    handle(uow_factory, envelope, channels)
    handle(uow_factory, envelope, channels)

    assert states(uow_factory, envelope) == {
        "inapp": ("sent", 1),
        "gateway": ("sent", 1),
        "webhook": ("sent", 1),
    }
    [delivery] = hook.requests
    assert delivery.status == 200
    note = next(n for n in scenes.notifications(uow_factory, envelope) if n.channel == "webhook")
    assert note.address == hook.url
    assert delivery.headers["webhook-id"] == str(note.id)
    assert delivery.json() == {
        "id": str(note.id),
        "type": "deadline_reminder",
        "tracking_code": scene.tracking_code,
        "subject": note.subject,
        "body": note.body,
        "language": "id",
        "link": f"{BASE_URL}/api/v1/cases/{scene.case_id}",
    }
    assert len(gateway.requests) == 1


def test_a_captured_webhook_replayed_outside_the_tolerance_is_rejected(
    uow_factory: UowFactory, channels: dict[str, Channel], hook: Receiver
) -> None:
    _, envelope = reminder(uow_factory)
    handle(uow_factory, envelope, channels)
    [delivery] = hook.accepted()
    sent_at = int(delivery.headers["webhook-timestamp"])

    webhook.verify(SECRET, delivery.headers, delivery.body, now=sent_at + 299)
    with pytest.raises(webhook.InvalidSignature):
        webhook.verify(SECRET, delivery.headers, delivery.body, now=sent_at + 301)


def test_a_gateway_that_fails_then_recovers_sends_the_message_once(
    uow_factory: UowFactory, channels: dict[str, Channel], gateway: Receiver
) -> None:
    scene, envelope = reminder(uow_factory)
    gateway.fail_with = [500]

    with pytest.raises(handlers.DeliveryFailed):
        handle(uow_factory, envelope, channels)
    assert states(uow_factory, envelope)["gateway"] == ("failed", 1)

    handle(uow_factory, envelope, channels)
    handle(uow_factory, envelope, channels)

    assert states(uow_factory, envelope)["gateway"] == ("sent", 2)
    [sent] = gateway.accepted()
    note = next(n for n in scenes.notifications(uow_factory, envelope) if n.channel == "gateway")
    assert sent.headers["authorization"] == f"Bearer {TOKEN}"
    assert sent.headers["idempotency-key"] == str(note.id)
    payload = sent.json()
    assert payload["to"] == "+6281234567890"
    assert payload["idempotency_key"] == str(note.id)
    assert payload["text"].startswith(note.subject)
    assert scene.tracking_code in payload["text"]
    assert f"{BASE_URL}/api/v1/cases/{scene.case_id}" in payload["text"]
    assert [
        e.kind
        for e in scenes.timeline(uow_factory, scene)
        if e.kind.startswith("notification_") and e.data["channel"] == "gateway"
    ] == ["notification_failed", "notification_sent"]


def test_a_webhook_receiver_that_answers_410_makes_the_notification_dead_at_once(
    uow_factory: UowFactory, channels: dict[str, Channel], hook: Receiver
) -> None:
    _, envelope = reminder(uow_factory)
    hook.fail_with = [410]

    handle(uow_factory, envelope, channels)  # nothing left to retry
    handle(uow_factory, envelope, channels)

    assert states(uow_factory, envelope)["webhook"] == ("dead", 1)
    assert len(hook.requests) == 1


def test_a_webhook_signed_with_another_secret_is_refused_and_retried(
    uow_factory: UowFactory, hook: Receiver, gateway: Receiver
) -> None:
    other = "whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldY"  # base64 of 24 letters
    wrong = Settings(environment="test", webhook_url=hook.url, webhook_secret=other)
    _, envelope = reminder(uow_factory)

    with pytest.raises(handlers.DeliveryFailed):
        handle(uow_factory, envelope, enabled_channels(wrong))

    assert states(uow_factory, envelope)["webhook"] == ("failed", 1)
    assert [r.status for r in hook.requests] == [401]
    assert uuid.UUID(hook.requests[0].headers["webhook-id"])
