"""The inbound endpoint: signed as Standard Webhooks, a 4xx naming the field, never a 500,
and an unknown number gets nothing useful."""

from __future__ import annotations

import dataclasses
import time
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.intake.messaging import handle as handling
from services.intake.messaging import tasks as message_tasks
from shared.db import UowFactory
from shared.domain.webhook_signature import headers_for
from tests.integration.intake.messaging.conftest import (
    SECRET,
    add_phone_coordinator,
    audited,
    handle_all,
    handled,
    new_phone,
    reply_events,
    send,
)
from tests.support.gateway import INBOUND, signed_message

OTHER_SECRET = "whsec_" + "YW5vdGhlci1zZWNyZXQtbm90LXRoZS1nYXRld2F5cy0="


def test_an_unsigned_altered_or_late_message_is_refused_with_401(gateway: TestClient) -> None:
    phone = new_phone()
    forged = send(gateway, phone, "TERIMA", secret=OTHER_SECRET)
    late = send(gateway, phone, "TERIMA", now=time.time() - 301)
    bare = gateway.post(INBOUND, json={"id": "x", "from": phone, "channel": "sms", "text": "a"})
    for response in (forged, late, bare):
        assert response.status_code == 401, response.text
        assert response.json()["detail"][0]["field"] == "webhook-signature"


def test_the_signature_is_checked_before_the_body_is_read(gateway: TestClient) -> None:
    json_type = {"content-type": "application/json"}
    garbled = gateway.post(INBOUND, content=rb'{"id": "\u0000", ', headers=json_type)
    not_utf8 = gateway.post(INBOUND, content=b"\xff", headers=json_type)
    raw, headers = signed_message(SECRET, new_phone(), "TERIMA")
    far_off = gateway.post(
        INBOUND, content=raw, headers={**headers, "webhook-timestamp": "9" * 400}
    )
    for response in (garbled, not_utf8, far_off):
        assert response.status_code == 401, response.text
        assert response.json()["detail"][0]["field"] == "webhook-signature"


def test_a_malformed_message_gets_422_naming_the_field(gateway: TestClient) -> None:
    assert _field(send(gateway, "not a number", "TERIMA")) == "from"
    assert _field(send(gateway, new_phone(), "TERIMA", channel="fax")) == "channel"
    assert _field(send(gateway, "+62812abc", "x", channel="telegram")) == "from"
    assert _field(send(gateway, "\u0661\u0662\u0663", "x", channel="telegram")) == "from"
    broken = b'{"id": "x", '
    headers = {**headers_for(SECRET, msg_id="x", body=broken), "content-type": "application/json"}
    assert _field(gateway.post(INBOUND, content=broken, headers=headers)) == "body"


def _field(response: object) -> str:
    assert getattr(response, "status_code", None) == 422, getattr(response, "text", "")
    return str(response.json()["detail"][0]["field"])  # type: ignore[attr-defined]


def test_an_unknown_number_gets_one_neutral_answer_and_nothing_else(
    gateway: TestClient, worker: handling.Messaging, uow_factory: UowFactory
) -> None:
    stranger = new_phone()
    first = send(gateway, stranger, "STATUS SKB-2612-ABC123").json()["id"]
    second = send(gateway, stranger, "RUJUK LUT 35.08.01.2001 Painem; sakit").json()["id"]

    one, two = handle_all(worker, first), handle_all(worker, second)
    assert (one.outcome, one.reply) == ("unknown_sender", "Sekber: pesan ini tidak dapat diproses.")
    assert (two.state, two.reply, two.case_id) == ("ignored", None, None)
    assert reply_events(uow_factory, second) == 0
    assert [e.role for e in audited(uow_factory, second)] == ["unknown"]


def test_a_number_over_its_limit_is_kept_and_audited_but_not_acted_on(
    gateway: TestClient, worker: handling.Messaging, uow_factory: UowFactory
) -> None:
    stranger = new_phone()
    ids = [send(gateway, stranger, "BANTUAN").json()["id"] for _ in range(9)]
    for gateway_id in ids:
        handle_all(worker, gateway_id)
    assert handled(uow_factory, ids[-1]).outcome == "throttled"
    assert audited(uow_factory, ids[-1])[0].data["outcome"] == "throttled"


def test_a_message_that_always_fails_is_ended_by_the_sweep_and_holds_back_none_after_it(
    gateway: TestClient,
    worker: handling.Messaging,
    uow_factory: UowFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    phone = new_phone()
    add_phone_coordinator(uow_factory, pillar="TKSK", region="35.08.01", phone=phone)
    poisoned = send(gateway, phone, "STATUS").json()["id"]
    after = send(gateway, phone, "BANTUAN").json()["id"]
    real = handling._handle

    def failing(ctx: handling.Messaging, incoming: handling.Incoming, sender: Any) -> None:
        if incoming.gateway_id == poisoned:  # a bug that strikes this message every time
            raise RuntimeError("a bug")
        real(ctx, incoming, sender)

    monkeypatch.setattr(handling, "_handle", failing)
    later = worker.clock() + message_tasks.GIVE_UP_AFTER + timedelta(minutes=1)
    sweeping = dataclasses.replace(worker, clock=lambda: later)

    message_tasks.sweep(sweeping)

    ended = handled(uow_factory, poisoned)
    assert (ended.state, ended.outcome) == ("answered", "failed")
    assert ended.reply is not None and "tidak dapat kami proses" in ended.reply
    assert handled(uow_factory, after).state == "answered"
