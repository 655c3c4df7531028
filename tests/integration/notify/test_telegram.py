"""Telegram: a coordinator with a chat id hears through the Bot API; a local HTTP server
stands in for api.telegram.org. Coordinators live in Aceh (11.01.04)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from services.notify import handlers
from services.notify.channels.base import Channel
from services.notify.channels.registry import enabled_channels
from shared.config import Settings
from shared.db import UowFactory
from shared.domain.notice import RetryPolicy
from shared.events import Envelope, ReferralDeadlineApproaching
from shared.models import Coordinator
from tests.integration.notify import scenes
from tests.integration.notify.conftest import BASE_URL, deliver
from tests.integration.notify.receivers import Receiver

TOKEN = "123456:ABC-test-token"
VILLAGE = "11.01.01.2001"
RETRY = RetryPolicy(fast_attempts=2, schedule=(60,))


@pytest.fixture
def telegram() -> Iterator[Receiver]:
    with Receiver() as receiver:
        yield receiver


@pytest.fixture
def channels(telegram: Receiver) -> dict[str, Channel]:
    settings = Settings(
        environment="test", telegram_bot_token=TOKEN, telegram_api_base=telegram.base
    )
    return enabled_channels(settings)


def reminder(uow_factory: UowFactory, *, chat_id: str | None) -> tuple[scenes.Scene, Envelope]:
    tksk = scenes.coordinator(uow_factory, pillar="TKSK", region="11.01.01", email=False)
    with uow_factory() as uow:
        uow.session.get_one(Coordinator, tksk).telegram_chat_id = chat_id
        uow.commit()
    scene = scenes.open_case(uow_factory, village=VILLAGE, assigned_to=tksk)
    event = ReferralDeadlineApproaching(
        case_id=scene.case_id,
        referral_id=scene.referral_id,
        step="accept",
        due_at=datetime(2026, 11, 27, 10, 0, tzinfo=UTC),
    )
    return scene, scenes.wrap(scene, event)


def handle(uow_factory: UowFactory, envelope: Envelope, channels: dict[str, Channel]) -> None:
    deliver(
        uow_factory,
        envelope,
        channels,
        max_attempts=RETRY.max_attempts,
        retry=RETRY,
    )


def test_a_coordinator_with_a_chat_id_gets_the_reminder_from_the_bot(
    uow_factory: UowFactory, channels: dict[str, Channel], telegram: Receiver
) -> None:
    scene, envelope = reminder(uow_factory, chat_id="987654321")

    handle(uow_factory, envelope, channels)
    handle(uow_factory, envelope, channels)  # a redelivery sends nothing more

    [sent] = telegram.accepted()
    assert sent.path == f"/bot{TOKEN}/sendMessage"
    payload = sent.json()
    assert payload["chat_id"] == "987654321"
    assert scene.tracking_code in payload["text"]
    assert f"{BASE_URL}/api/v1/cases/{scene.case_id}" in payload["text"]
    assert scenes.BENEFICIARY not in payload["text"] and scenes.NIK not in payload["text"]
    states = {n.channel: n.state for n in scenes.notifications(uow_factory, envelope)}
    assert states == {"inapp": "sent", "telegram": "sent"}


def test_a_coordinator_without_a_chat_id_is_not_written_to(
    uow_factory: UowFactory, channels: dict[str, Channel], telegram: Receiver
) -> None:
    _, envelope = reminder(uow_factory, chat_id=None)
    handle(uow_factory, envelope, channels)
    assert [n.channel for n in scenes.notifications(uow_factory, envelope)] == ["inapp"]
    assert telegram.requests == []


def test_a_blocked_bot_is_dead_at_once_and_an_overloaded_api_is_retried(
    uow_factory: UowFactory, channels: dict[str, Channel], telegram: Receiver
) -> None:
    _, blocked = reminder(uow_factory, chat_id="111")
    telegram.fail_with = [403]
    handle(uow_factory, blocked, channels)
    [note] = [n for n in scenes.notifications(uow_factory, blocked) if n.channel == "telegram"]
    assert (note.state, note.last_error) == ("dead", "telegram: HTTP 403")
    assert TOKEN not in (note.last_error or "")

    _, busy = reminder(uow_factory, chat_id="222")
    telegram.fail_with = [429]
    with pytest.raises(handlers.DeliveryFailed):
        handle(uow_factory, busy, channels)
    handle(uow_factory, busy, channels)
    states = {n.channel: (n.state, n.attempts) for n in scenes.notifications(uow_factory, busy)}
    assert states["telegram"] == ("sent", 2)
    assert [r.status for r in telegram.requests] == [403, 429, 200]
