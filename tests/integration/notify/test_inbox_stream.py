"""The live inbox (SSE) against a real Redis and a real HTTP server: the notify handler
publishes each committed in-app entry, intake streams the actor's own to them.
Coordinators live in Aceh (11.01.05)."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest
import uvicorn

from sekber_cli.embedded import free_port
from services.intake.app import create_app
from services.notify.channels.base import Channel
from shared.config import Settings
from shared.db import UowFactory
from shared.events import Envelope, ReferralAssigned
from shared.notifications.inbox_feed import InboxPublisher
from tests.integration.notify import scenes
from tests.integration.notify.conftest import deliver
from tests.integration.notify.sse import Listener
from tests.support.auth import headers_for

VILLAGE = "11.01.01.2001"
STREAM = "/api/v1/inbox/stream"


@pytest.fixture(scope="module")
def intake(settings: Settings) -> Iterator[str]:
    """intake on a real port (uvicorn in a thread), pinging every half second."""
    app = create_app(settings)
    app.state.inbox_ping_seconds = 0.5
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", timeout_graceful_shutdown=2
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def assign(
    uow_factory: UowFactory,
    settings: Settings,
    coordinator: uuid.UUID,
    channels: dict[str, Channel],
) -> tuple[scenes.Scene, Envelope]:
    scene = scenes.open_case(uow_factory, village=VILLAGE, assigned_to=coordinator)
    envelope = scenes.wrap(
        scene,
        ReferralAssigned(
            case_id=scene.case_id,
            referral_id=scene.referral_id,
            pillar_code="TKSK",
            coordinator_id=coordinator,
        ),
    )
    publisher = InboxPublisher(redis_url=settings.redis_url, prefix=settings.broker_key_prefix)
    deliver(
        uow_factory,
        envelope,
        {},
        inbox=publisher,
    )
    publisher.close()
    return scene, envelope


def test_a_coordinator_sees_their_new_notification_live_and_nobody_elses(
    intake: str, uow_factory: UowFactory, settings: Settings
) -> None:
    me = scenes.coordinator(uow_factory, pillar="TKSK", region="11.01.05", language="en")
    other = scenes.coordinator(uow_factory, pillar="TKSK", region="11.01.05")
    listener = Listener(intake + STREAM, headers_for("coordinator", str(me)))
    try:
        assert (listener.status, listener.content_type.split(";")[0]) == (200, "text/event-stream")
        assign(uow_factory, settings, other, {})
        scene, envelope = assign(uow_factory, settings, me, {})

        item = listener.next("notification").json()
        [inapp] = [n for n in scenes.notifications(uow_factory, envelope) if n.channel == "inapp"]
        assert set(item) == {
            "id",
            "event_type",
            "case_id",
            "tracking_code",
            "urgency",
            "created_at",
            "title_id",
            "title_en",
        }
        assert item["id"] == str(inapp.id)
        assert (item["event_type"], item["case_id"], item["tracking_code"], item["urgency"]) == (
            "assignment",
            str(scene.case_id),
            scene.tracking_code,
            "high",
        )
        assert item["title_en"] == inapp.subject  # the coordinator reads English
        assert "Rujukan baru" in item["title_id"] and scene.tracking_code in item["title_id"]
        assert scenes.BENEFICIARY not in listener.next("ping").data + json.dumps(item)
        assert all(e.event != "notification" for e in list(listener.events.queue))
    finally:
        listener.close()


def test_the_stream_pings_and_is_refused_to_those_without_an_inbox(
    intake: str, uow_factory: UowFactory
) -> None:
    me = scenes.coordinator(uow_factory, pillar="TKSK", region="11.01.05")
    listener = Listener(intake + STREAM, headers_for("coordinator", str(me)))
    try:
        first, second = listener.next("ping"), listener.next("ping")
        assert first.data == second.data == "{}"
    finally:
        listener.close()

    worker = httpx.get(intake + STREAM, headers=headers_for("case_worker", "rina@example.org"))
    assert worker.status_code == 403
    assert httpx.get(intake + STREAM).status_code == 401
