"""A mail the server did not take is retried, shows on the case timeline, and is sent once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sekber_cli.embedded import free_port
from services.notify import handlers, sweep
from services.notify.channels.base import Channel
from shared.db import UowFactory
from shared.domain.notice import RetryPolicy
from shared.events import Envelope, ReferralDeadlineApproaching
from tests.e2e.stack import SmtpServer
from tests.integration.notify import scenes
from tests.integration.notify.conftest import deliver, delivery, email_channel

VILLAGE = "73.01.01.1003"  # Benteng Selatan, Kepulauan Selayar


def reminder(uow_factory: UowFactory) -> tuple[scenes.Scene, Envelope]:
    """A TKSK's open task and the reminder of its acceptance deadline (in-app + e-mail)."""
    tksk = scenes.coordinator(uow_factory, pillar="TKSK", region="73.01.01")
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


def test_a_refused_mail_is_retried_and_sent_once_while_the_inbox_entry_stands(
    uow_factory: UowFactory, smtp: SmtpServer, channels: dict[str, Channel]
) -> None:
    scene, envelope = reminder(uow_factory)
    down = {"email": email_channel(free_port())}  # nothing listens there

    def handle(with_channels: dict[str, Channel]) -> None:
        deliver(uow_factory, envelope, with_channels)

    with pytest.raises(handlers.DeliveryFailed):
        handle(down)
    states = {n.channel: (n.state, n.attempts) for n in scenes.notifications(uow_factory, envelope)}
    assert states == {"inapp": ("sent", 1), "email": ("failed", 1)}

    handle(channels)
    handle(channels)

    states = {n.channel: (n.state, n.attempts) for n in scenes.notifications(uow_factory, envelope)}
    assert states == {"inapp": ("sent", 1), "email": ("sent", 2)}
    assert len(smtp.mailbox.for_tracking_code(scene.tracking_code)) == 1
    assert [
        e.kind for e in scenes.timeline(uow_factory, scene) if e.kind.startswith("notification_")
    ] == ["notification_delivered", "notification_failed", "notification_sent"]


def test_rows_the_task_had_no_time_for_go_back_to_the_sweep_due_now(
    uow_factory: UowFactory, smtp: SmtpServer, channels: dict[str, Channel]
) -> None:
    scene, envelope = reminder(uow_factory)
    deliver(
        uow_factory,
        envelope,
        channels,
        budget_seconds=0.0,  # spent before the first send
    )
    [email] = [n for n in scenes.notifications(uow_factory, envelope) if n.channel == "email"]
    # Recorded leased to the task, handed back untried: pending, due now, no attempt spent.
    assert (email.state, email.attempts, email.lease_until) == ("pending", 0, None)
    assert email.not_before is not None and email.not_before <= datetime.now(UTC)

    tried = sweep.sweep(delivery(uow_factory, channels, retry=RetryPolicy()), now=datetime.now(UTC))
    assert tried >= 1
    [email] = [n for n in scenes.notifications(uow_factory, envelope) if n.channel == "email"]
    assert (email.state, email.attempts) == ("sent", 1)
    assert len(smtp.mailbox.for_tracking_code(scene.tracking_code)) == 1
