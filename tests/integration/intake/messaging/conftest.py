"""A coordinator and a case worker with phones, a signed gateway, and the worker's
handler run in the test's own process."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from services.intake.app import create_app
from services.intake.messaging import handle as handling
from services.intake.messaging.throttle import SenderThrottle
from shared.accounts import users
from shared.db import UowFactory
from shared.models import AuditEntry, Coordinator, InboundMessage, OutboxEvent
from shared.reference import calendar
from tests.integration.intake.conftest import intake_settings
from tests.support.gateway import INBOUND, signed_message

SECRET = "whsec_" + "dGVzdC1nYXRld2F5LXNlY3JldC1mb3Itc2VrYmVyLTI3"


def new_phone() -> str:
    return "+62812" + "".join(random.choices("0123456789", k=7))


@pytest.fixture(scope="module")
def gateway(database_url: str, redis_url: str, broker_prefix: str) -> Iterator[TestClient]:
    settings = intake_settings(
        database_url, redis_url, broker_prefix, gateway_inbound_secret=SECRET
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def worker(uow_factory: UowFactory, redis_url: str, broker_prefix: str) -> handling.Messaging:
    return handling.Messaging(
        uow_factory=uow_factory,
        policy=calendar.working_policy(uow_factory),
        throttle=SenderThrottle(
            redis_url, key_prefix=broker_prefix + uuid.uuid4().hex[:6], limits="8/minute"
        ),
    )


def send(
    client: TestClient,
    sender: str,
    text: str,
    *,
    channel: str = "sms",
    in_reply_to: str | None = None,
    message_id: str | None = None,
    secret: str = SECRET,
    now: float | None = None,
) -> Any:
    """Sign and post one message, as the gateway does."""
    raw, headers = signed_message(
        secret,
        sender,
        text,
        channel=channel,
        in_reply_to=in_reply_to,
        message_id=message_id,
        now=now,
    )
    return client.post(INBOUND, content=raw, headers=headers)


@dataclass(frozen=True)
class Handled:
    state: str
    outcome: str | None
    reply: str | None
    case_id: uuid.UUID | None
    referral_id: uuid.UUID | None


def handle_all(worker: handling.Messaging, gateway_id: str) -> Handled:
    """Run the worker on the message, as its MessageReceived event would."""
    with worker.uow_factory() as uow:
        row = uow.session.scalar(
            select(InboundMessage).where(InboundMessage.gateway_id == gateway_id)
        )
        assert row is not None
        message_id = row.id
    handling.handle(worker, message_id)
    return handled(worker.uow_factory, gateway_id)


def handled(uow_factory: UowFactory, gateway_id: str) -> Handled:
    with uow_factory() as uow:
        row = uow.session.scalar(
            select(InboundMessage).where(InboundMessage.gateway_id == gateway_id)
        )
        assert row is not None
        return Handled(row.state, row.outcome, row.reply_text, row.case_id, row.referral_id)


def reply_events(uow_factory: UowFactory, gateway_id: str) -> int:
    with uow_factory() as uow:
        row_id = uow.session.scalar(
            select(InboundMessage.id).where(InboundMessage.gateway_id == gateway_id)
        )
        envelopes = uow.session.scalars(
            select(OutboxEvent.envelope).where(OutboxEvent.event_type == "MessageAnswered")
        )
        return sum(1 for e in envelopes if e["payload"]["message_id"] == str(row_id))


def audited(uow_factory: UowFactory, gateway_id: str) -> list[AuditEntry]:
    with uow_factory() as uow:
        row_id = uow.session.scalar(
            select(InboundMessage.id).where(InboundMessage.gateway_id == gateway_id)
        )
        return list(
            uow.session.scalars(select(AuditEntry).where(AuditEntry.object_id == str(row_id)))
        )


def add_phone_coordinator(
    uow_factory: UowFactory, *, pillar: str, region: str, phone: str, language: str = "id"
) -> uuid.UUID:
    with uow_factory() as uow:
        coordinator = Coordinator(
            external_ref=f"test-{uuid.uuid4()}",
            name=f"{pillar} {region}",
            kind="person",
            pillar_code=pillar,
            region_code=region,
            phone=phone.replace("+62", "0").replace("0812", "0812-", 1),  # as a person writes it
            language=language,
        )
        uow.session.add(coordinator)
        uow.commit()
        return coordinator.id


def add_case_worker(uow_factory: UowFactory, *, phone: str, jurisdiction: str = "") -> str:
    username = f"petugas.{uuid.uuid4().hex[:8]}"
    with uow_factory() as uow:
        users.create_user(
            uow.session,
            username=username,
            name="Sri Wahyuni",
            role="case_worker",
            password=None,
            jurisdiction=jurisdiction,
            phone=phone,
        )
        uow.commit()
    return username
