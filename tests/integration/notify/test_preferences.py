"""A coordinator's notification preferences through the API, and what notify makes of
them: channels switched off, quiet hours released by the sweep, and the daily digest.

Coordinators here live in Aceh (province 11), where no other test routes.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from services.intake.app import create_app
from services.notify import digest, sweep
from services.notify.channels.base import Channel
from services.notify.channels.registry import enabled_channels
from shared.config import Settings
from shared.db import UowFactory
from shared.domain.notice import JAKARTA, RetryPolicy
from shared.events import Envelope, ReferralAssigned
from shared.models import CaseEvent, Notification
from tests.e2e.stack import SmtpServer
from tests.integration.notify import scenes
from tests.integration.notify.conftest import deliver, delivery, email_channel
from tests.integration.notify.receivers import Receiver
from tests.support.auth import headers_for

VILLAGE = "11.01.01.2001"  # Keude Bakongan, Aceh Selatan
RETRY = RetryPolicy(fast_attempts=1, schedule=(60, 600))


@pytest.fixture(scope="module")
def client(database_url: str) -> Iterator[TestClient]:
    settings = Settings(environment="test", database_url=database_url)
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def gateway() -> Iterator[Receiver]:
    with Receiver() as receiver:
        yield receiver


@pytest.fixture
def channels(smtp: SmtpServer, gateway: Receiver) -> dict[str, Channel]:
    settings = Settings(environment="test", gateway_url=gateway.url, gateway_token="t0ken")
    return {"email": email_channel(smtp.port), **enabled_channels(settings)}


def handle(
    uow_factory: UowFactory, envelope: Envelope, channels: dict[str, Channel], now: datetime
) -> None:
    deliver(
        uow_factory,
        envelope,
        channels,
        max_attempts=RETRY.max_attempts,
        retry=RETRY,
        clock=lambda: now,
    )


def assigned(
    uow_factory: UowFactory, coordinator: uuid.UUID, *, urgency: str = "high", pillar: str = "TKSK"
) -> tuple[scenes.Scene, Envelope]:
    scene = scenes.open_case(
        uow_factory, village=VILLAGE, assigned_to=coordinator, urgency=urgency, pillar=pillar
    )
    event = ReferralAssigned(
        case_id=scene.case_id,
        referral_id=scene.referral_id,
        pillar_code=pillar,
        coordinator_id=coordinator,
    )
    return scene, scenes.wrap(scene, event)


def states(uow_factory: UowFactory, envelope: Envelope) -> dict[str, tuple[str, int]]:
    return {n.channel: (n.state, n.attempts) for n in scenes.notifications(uow_factory, envelope)}


def put(client: TestClient, coordinator: uuid.UUID, body: dict[str, Any]) -> Any:
    response = client.put(
        "/api/v1/me/notification-preferences",
        json=body,
        headers=headers_for("coordinator", str(coordinator)),
    )
    assert response.status_code == 200, response.text
    return response.json()


def wib_now_window(now: datetime) -> dict[str, str]:
    """Quiet hours from an hour before to an hour after `now`, in WIB."""
    local = now.astimezone(JAKARTA)
    start, end = local - timedelta(hours=1), local + timedelta(hours=1)
    return {"quiet_from": f"{start:%H:%M}", "quiet_to": f"{end:%H:%M}"}


def test_everything_is_on_until_a_coordinator_switches_it_off(
    uow_factory: UowFactory, client: TestClient
) -> None:
    tksk = scenes.coordinator(uow_factory, pillar="TKSK", region="11.01.01")
    me = headers_for("coordinator", str(tksk))

    first = client.get("/api/v1/me/notification-preferences", headers=me).json()
    assert len(first["preferences"]) == 7 * 4
    assert all(p["enabled"] for p in first["preferences"])
    assert (first["quiet_from"], first["quiet_to"], first["digest_low_urgency"]) == (
        None,
        None,
        True,
    )

    put(
        client,
        tksk,
        {
            "preferences": [{"event_type": "reminder", "channel": "email", "enabled": False}],
            "quiet_from": "22:00",
            "quiet_to": "06:00",
            "digest_low_urgency": False,
        },
    )

    now = client.get("/api/v1/me/notification-preferences", headers=me).json()
    off = [(p["event_type"], p["channel"]) for p in now["preferences"] if not p["enabled"]]
    assert off == [("reminder", "email")]
    assert (now["quiet_from"], now["quiet_to"], now["digest_low_urgency"]) == (
        "22:00:00",
        "06:00:00",
        False,
    )


def test_only_a_coordinator_has_preferences_and_bad_ones_are_refused_by_field(
    uow_factory: UowFactory, client: TestClient
) -> None:
    tksk = scenes.coordinator(uow_factory, pillar="TKSK", region="11.01.01")
    me = headers_for("coordinator", str(tksk))
    url = "/api/v1/me/notification-preferences"

    worker = client.get(url, headers=headers_for("case_worker", "rina@example.org"))
    assert worker.status_code == 403
    assert client.get(url).status_code == 401

    inapp_off = client.put(
        url,
        json={"preferences": [{"event_type": "offer", "channel": "inapp", "enabled": False}]},
        headers=me,
    )
    assert inapp_off.status_code == 422
    assert inapp_off.json()["detail"][0]["field"] == "preferences.0.enabled"

    half = client.put(url, json={"quiet_from": "22:00"}, headers=me)
    assert (half.status_code, half.json()["detail"][0]["field"]) == (422, "quiet_to")

    unknown = client.put(
        url,
        json={"preferences": [{"event_type": "gossip", "channel": "email", "enabled": False}]},
        headers=me,
    )
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["field"] == "preferences.0.event_type"


def test_a_channel_switched_off_gets_no_row_while_the_inbox_keeps_the_message(
    uow_factory: UowFactory, client: TestClient, channels: dict[str, Channel], gateway: Receiver
) -> None:
    tksk = scenes.coordinator(uow_factory, pillar="TKSK", region="11.01.01")
    put(
        client,
        tksk,
        {
            "preferences": [
                {"event_type": "assignment", "channel": "email", "enabled": False},
            ]
        },
    )
    _, envelope = assigned(uow_factory, tksk)

    handle(uow_factory, envelope, channels, datetime.now(UTC))

    assert states(uow_factory, envelope) == {"inapp": ("sent", 1), "gateway": ("sent", 1)}
    assert len(gateway.accepted()) == 1


def test_a_message_in_quiet_hours_waits_and_the_sweep_sends_it_after_the_window(
    uow_factory: UowFactory, client: TestClient, channels: dict[str, Channel], smtp: SmtpServer
) -> None:
    now = datetime.now(UTC)
    tksk = scenes.coordinator(uow_factory, pillar="TKSK", region="11.01.02")
    put(client, tksk, wib_now_window(now))
    scene, envelope = assigned(uow_factory, tksk)

    handle(uow_factory, envelope, channels, now)

    notes = {n.channel: n for n in scenes.notifications(uow_factory, envelope)}
    assert notes["inapp"].state == "sent"
    email = notes["email"]
    assert (email.state, email.attempts) == ("pending", 0)
    assert email.not_before is not None
    assert timedelta(minutes=50) < email.not_before - now <= timedelta(minutes=61)

    def sweep_at(moment: datetime) -> None:
        sweep.sweep(delivery(uow_factory, channels, retry=RETRY), now=moment)

    sweep_at(now + timedelta(minutes=30))
    assert states(uow_factory, envelope)["email"] == ("pending", 0)
    assert smtp.mailbox.for_tracking_code(scene.tracking_code) == []

    sweep_at(email.not_before + timedelta(seconds=1))
    sweep_at(email.not_before + timedelta(seconds=2))
    assert states(uow_factory, envelope)["email"] == ("sent", 1)
    assert len(smtp.mailbox.for_tracking_code(scene.tracking_code)) == 1


def test_an_emergency_is_sent_at_once_in_quiet_hours(
    uow_factory: UowFactory, client: TestClient, channels: dict[str, Channel], smtp: SmtpServer
) -> None:
    now = datetime.now(UTC)
    tagana = scenes.coordinator(uow_factory, pillar="TAGANA", region="11.01.02")
    put(client, tagana, wib_now_window(now))
    scene, envelope = assigned(uow_factory, tagana, urgency="emergency", pillar="TAGANA")

    handle(uow_factory, envelope, channels, now)

    assert states(uow_factory, envelope) == {
        "inapp": ("sent", 1),
        "email": ("sent", 1),
        "gateway": ("sent", 1),
    }
    assert len(smtp.mailbox.for_tracking_code(scene.tracking_code)) == 1


def test_a_failed_send_waits_for_the_next_step_of_the_retry_schedule(
    uow_factory: UowFactory, channels: dict[str, Channel], gateway: Receiver
) -> None:
    tksk = scenes.coordinator(uow_factory, pillar="TKSK", region="11.01.03", email=False)
    _, envelope = assigned(uow_factory, tksk)
    gateway.fail_with = [503, 503]
    now = datetime.now(UTC)

    handle(uow_factory, envelope, channels, now)  # no fast retry left: no DeliveryFailed

    [note] = [n for n in scenes.notifications(uow_factory, envelope) if n.channel == "gateway"]
    assert (note.state, note.attempts) == ("failed", 1)
    assert note.not_before is not None
    assert timedelta(seconds=45) < note.not_before - now < timedelta(seconds=75)

    for minutes in (0.5, 2, 30):
        sweep.sweep(
            delivery(uow_factory, channels, retry=RETRY), now=now + timedelta(minutes=minutes)
        )
    assert states(uow_factory, envelope)["gateway"] == ("sent", 3)
    assert [r.status for r in gateway.requests] == [503, 503, 200]


def test_low_urgency_alerts_wait_for_one_daily_digest_per_channel(
    uow_factory: UowFactory, channels: dict[str, Channel], smtp: SmtpServer, gateway: Receiver
) -> None:
    tksk = scenes.coordinator(uow_factory, pillar="TKSK", region="11.02.01")
    cases = [assigned(uow_factory, tksk, urgency="low") for _ in range(2)]
    today_6am = datetime.now(JAKARTA).replace(hour=6, minute=0, second=0, microsecond=0)
    for _, envelope in cases:
        handle(uow_factory, envelope, channels, today_6am.astimezone(UTC))
        assert states(uow_factory, envelope) == {
            "inapp": ("sent", 1),
            "email": ("held", 0),
            "gateway": ("held", 0),
        }

    def send_at(local: datetime) -> int:
        return digest.send_digests(
            delivery(uow_factory, channels, retry=RETRY), hour=7, now=local.astimezone(UTC)
        )

    assert send_at(today_6am + timedelta(minutes=30)) == 0
    assert send_at(today_6am + timedelta(hours=1)) == 2  # e-mail and gateway
    assert send_at(today_6am + timedelta(hours=2)) == 0  # one a day

    codes = [scene.tracking_code for scene, _ in cases]
    with uow_factory() as uow:
        digests = list(
            uow.session.scalars(
                select(Notification).where(
                    Notification.kind == "digest", Notification.coordinator_id == tksk
                )
            )
        )
        held = list(
            uow.session.scalars(
                select(Notification).where(
                    Notification.coordinator_id == tksk, Notification.state == "digested"
                )
            )
        )
        timeline = list(
            uow.session.scalars(
                select(CaseEvent.case_id).where(
                    CaseEvent.kind == "notification_sent",
                    CaseEvent.case_id.in_([scene.case_id for scene, _ in cases]),
                )
            )
        )
    assert {(d.channel, d.state) for d in digests} == {("email", "sent"), ("gateway", "sent")}
    assert {n.digest_id for n in held} == {d.id for d in digests} and len(held) == 4
    assert sorted(timeline) == sorted([scene.case_id for scene, _ in cases] * 2)

    [mail] = [
        m
        for _, m in smtp.mailbox.received()
        if "Ringkasan harian" in str(m["Subject"]) and m["To"] == scenes.email_of(uow_factory, tksk)
    ]
    text = scenes.text_of(mail)
    assert all(code in text for code in codes)
    assert scenes.BENEFICIARY not in text and scenes.NIK not in text
    [sms] = [r.json()["text"] for r in gateway.accepted()]
    assert all(code in sms for code in codes)


def test_a_failed_notification_replayed_by_a_supervisor_goes_now_not_at_its_retry_time(
    uow_factory: UowFactory, client: TestClient, channels: dict[str, Channel], gateway: Receiver
) -> None:
    tksk = scenes.coordinator(uow_factory, pillar="TKSK", region="11.01.03", email=False)
    scene, envelope = assigned(uow_factory, tksk)
    gateway.fail_with = [503]
    handle(uow_factory, envelope, channels, datetime.now(UTC))
    [note] = [n for n in scenes.notifications(uow_factory, envelope) if n.channel == "gateway"]
    assert note.state == "failed" and note.not_before is not None

    replayed = client.post(
        f"/api/v1/notifications/{note.id}/replay", headers=headers_for("supervisor", "sri")
    )
    assert replayed.status_code == 202, replayed.text
    [request] = scenes.events(uow_factory, scene, "NotificationReplayRequested")
    handle(uow_factory, request, channels, datetime.now(UTC))

    assert states(uow_factory, envelope)["gateway"] == ("sent", 1)
    assert [r.status for r in gateway.requests] == [503, 200]
