"""A dead notification is listed, replayed through the outbox with its own id, and sent
once; by the API or the `sekber notifications-replay` command."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from sekber_cli.main import app as cli
from services.intake.app import create_app
from services.notify.channels.base import Channel
from services.notify.channels.registry import enabled_channels
from shared.config import Settings, get_settings
from shared.db import UowFactory
from shared.events import Envelope, ReferralDeadlineApproaching
from shared.models import Notification
from tests.integration.notify import scenes
from tests.integration.notify.conftest import deliver
from tests.integration.notify.receivers import SECRET, Receiver
from tests.support.auth import headers_for

VILLAGE = "81.01.01.1009"  # Hollo, Maluku Tengah
SUPERVISOR = headers_for("supervisor", "dinsos-maluku", "Ibu Wati", jurisdiction="81")
ELSEWHERE = headers_for("supervisor", "dinsos-bali", "Bu Made", jurisdiction="51")


@pytest.fixture(scope="module")
def client(database_url: str) -> Iterator[TestClient]:
    settings = Settings(environment="test", database_url=database_url)
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def hook() -> Iterator[Receiver]:
    with Receiver(secret=SECRET) as receiver:
        yield receiver


@pytest.fixture
def channels(hook: Receiver) -> dict[str, Channel]:
    settings = Settings(environment="test", webhook_url=hook.url, webhook_secret=SECRET)
    return enabled_channels(settings)


def handle(uow_factory: UowFactory, envelope: Envelope, channels: dict[str, Channel]) -> None:
    deliver(uow_factory, envelope, channels)


def dead_webhook(
    uow_factory: UowFactory, channels: dict[str, Channel], hook: Receiver
) -> tuple[scenes.Scene, Notification]:
    """A reminder whose webhook the receiver refused for good (410)."""
    tksk = scenes.coordinator(uow_factory, pillar="TKSK", region="81.01.01", email=False)
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
    hook.fail_with = [410]
    handle(uow_factory, envelope, {"webhook": channels["webhook"]})
    [note] = [n for n in scenes.notifications(uow_factory, envelope) if n.channel == "webhook"]
    assert (note.state, note.attempts) == ("dead", 1)
    return scene, note


def state_of(uow_factory: UowFactory, note: Notification) -> tuple[str, int]:
    with uow_factory() as uow:
        row = uow.session.get_one(Notification, note.id)
        return row.state, row.attempts


def test_a_replayed_dead_webhook_is_sent_once_with_its_own_id(
    uow_factory: UowFactory, client: TestClient, channels: dict[str, Channel], hook: Receiver
) -> None:
    scene, note = dead_webhook(uow_factory, channels, hook)

    dead = client.get("/api/v1/notifications/dead", params={"limit": 500}, headers=SUPERVISOR)
    assert dead.status_code == 200
    listed = next(n for n in dead.json() if n["id"] == str(note.id))
    assert (listed["channel"], listed["state"], listed["kind"]) == (
        "webhook",
        "dead",
        "deadline_reminder",
    )
    assert "address" not in listed

    replayed = client.post(f"/api/v1/notifications/{note.id}/replay", headers=SUPERVISOR)
    assert replayed.status_code == 202, replayed.text
    assert (replayed.json()["state"], replayed.json()["attempts"]) == ("pending", 0)
    [request] = scenes.events(uow_factory, scene, "NotificationReplayRequested")
    assert request.payload == {"notification_id": str(note.id), "case_id": str(scene.case_id)}

    handle(uow_factory, request, channels)
    handle(uow_factory, request, channels)  # redelivered

    assert state_of(uow_factory, note) == ("sent", 1)
    assert [r.headers["webhook-id"] for r in hook.accepted()] == [str(note.id)]
    assert "notification_replay_requested" in [e.kind for e in scenes.timeline(uow_factory, scene)]


def test_only_a_supervisor_replays_and_only_a_dead_or_failed_notification(
    uow_factory: UowFactory, client: TestClient, channels: dict[str, Channel], hook: Receiver
) -> None:
    _, note = dead_webhook(uow_factory, channels, hook)
    url = f"/api/v1/notifications/{note.id}/replay"

    assert client.post(url).status_code == 401
    coordinator = headers_for("coordinator", str(uuid.uuid4()))
    assert client.post(url, headers=coordinator).status_code == 403
    # A supervisor of another province does not even find it.
    assert client.post(url, headers=ELSEWHERE).status_code == 404
    assert client.post(url, headers=SUPERVISOR).status_code == 202
    again = client.post(url, headers=SUPERVISOR)
    assert again.status_code == 409
    assert again.json()["detail"][0]["field"] == "notification_id"
    unknown = client.post(f"/api/v1/notifications/{uuid.uuid4()}/replay", headers=SUPERVISOR)
    assert unknown.status_code == 404


@pytest.fixture
def sekber_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SEKBER_DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.usefixtures("sekber_database")
def test_the_command_replays_a_dead_notification_once(
    uow_factory: UowFactory, channels: dict[str, Channel], hook: Receiver
) -> None:
    scene, note = dead_webhook(uow_factory, channels, hook)
    runner = CliRunner()

    done = runner.invoke(cli, ["notifications-replay", str(note.id), "--actor", "Pak Admin"])
    refused = runner.invoke(cli, ["notifications-replay", str(note.id)])

    assert done.exit_code == 0, done.output
    assert str(note.id) in done.output
    assert refused.exit_code == 2
    assert state_of(uow_factory, note) == ("pending", 0)
    assert len(scenes.events(uow_factory, scene, "NotificationReplayRequested")) == 1
    [entry] = [
        e for e in scenes.timeline(uow_factory, scene) if e.kind == "notification_replay_requested"
    ]
    assert entry.actor == "supervisor:Pak Admin"
