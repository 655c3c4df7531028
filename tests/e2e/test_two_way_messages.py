"""Two-way messages across the real processes, against a gateway simulator: coordinators
accept and decline by replying, a case worker reports a case by SMS, and a message the
gateway delivers again changes nothing (docs/messaging.md)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shared.accounts import users
from shared.config import Settings
from shared.db import UowFactory, uow_factory_for
from shared.models import Coordinator
from shared.reference.demo import load_demo_directory
from tests.e2e.gateway_simulator import GatewaySimulator, Sent
from tests.e2e.stack import SmtpServer, Stack, wait_until
from tests.e2e.test_referral_flow import east_java_villages, referral
from tests.support import servers
from tests.support.session import make_settings, new_broker_prefix, prepared_database

SECRET = "whsec_" + "c2ltdWxhdG9yLXNlY3JldC1mb3ItdHdvLXdheS1tZXNzYWdlcw=="
REPORTER_PHONE = "+6281399990027"


@pytest.fixture(scope="module")
def messaging_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database of its own: this stack's relay must not publish the other stack's events."""
    tmp: Path = tmp_path_factory.mktemp("e2e-messages")
    with servers.database_url(tmp, name="sekber-e2e-messages") as url:
        prepared_database(url)
        load_demo_directory(uow_factory=uow_factory_for(url))
        with uow_factory_for(url)() as uow:
            users.create_user(
                uow.session,
                username="petugas.sms",
                name="Sri Wahyuni",
                role="case_worker",
                password=None,
                jurisdiction="35",
                phone="0813-9999-0027",
            )
            uow.commit()
        yield url


@pytest.fixture(scope="module")
def gateway() -> Iterator[GatewaySimulator]:
    with GatewaySimulator(secret=SECRET) as simulator:
        yield simulator


@pytest.fixture(scope="module")
def messaging_stack(
    messaging_db: str, redis_url: str, smtp: SmtpServer, gateway: GatewaySimulator
) -> Iterator[Stack]:
    settings: Settings = make_settings(messaging_db, redis_url, new_broker_prefix())
    running = Stack(
        settings=settings,
        smtp_port=smtp.port,
        echo=False,
        extra_env={
            "SEKBER_GATEWAY_URL": gateway.url,
            "SEKBER_GATEWAY_TOKEN": gateway.token,
            "SEKBER_GATEWAY_INBOUND_SECRET": SECRET,
            # The test adds a coordinator: routing sees it at its next decision.
            "SEKBER_DIRECTORY_CHECK_SECONDS": "0",
        },
    )
    gateway.sekber_url = running.base_url
    try:
        yield running.start()
    finally:
        running.stop()


def assigned_message(gateway: GatewaySimulator, tracking_code: str) -> Sent:
    """The gateway message telling a coordinator of the case."""
    return gateway.wait_for(
        lambda m: tracking_code in m.text and m.in_reply_to is None, what=tracking_code
    )


def tasks(stack: Stack, case_id: str) -> list[dict[str, Any]]:
    return list(stack.case(case_id)["referrals"])


def test_a_coordinator_accepts_by_replying_terima_and_a_replay_changes_nothing(
    messaging_stack: Stack, gateway: GatewaySimulator, messaging_db: str
) -> None:
    [village] = east_java_villages(uow_factory_for(messaging_db), 1)
    case = messaging_stack.post_referral(referral("LUT", village))
    told = assigned_message(gateway, case["tracking_code"])

    sent = gateway.send(told.to, "terima", in_reply_to=told.idempotency_key, message_id="sim-a1")
    assert sent.status_code == 202, sent.text
    reply = gateway.reply_to("sim-a1")

    assert reply.to == told.to and reply.channel == "sms"
    assert reply.text.startswith(f"OK: tugas {case['tracking_code']} Anda terima")
    [task] = wait_until(
        lambda: (
            [t for t in tasks(messaging_stack, case["case_id"]) if t["status"] == "accepted"]
            or None
        ),
        timeout=10,
        what="accepted",
    )

    again = gateway.send(told.to, "terima", in_reply_to=told.idempotency_key, message_id="sim-a1")
    assert (again.status_code, again.json()) == (202, sent.json())
    assert again.headers["Idempotent-Replayed"] == "true"
    time.sleep(3)
    assert [m for m in gateway.sent() if m.in_reply_to == "sim-a1"] == [reply]
    [same] = tasks(messaging_stack, case["case_id"])
    assert (same["status"], same["version"]) == ("accepted", task["version"])


def test_a_coordinator_declines_with_tolak_penuh_and_the_task_goes_to_the_next(
    messaging_stack: Stack, gateway: GatewaySimulator, messaging_db: str
) -> None:
    [village] = east_java_villages(uow_factory_for(messaging_db), 3)[1:2]
    second_tksk(uow_factory_for(messaging_db), village)
    case = messaging_stack.post_referral(referral("GEL", village))
    told = assigned_message(gateway, case["tracking_code"])
    code = case["tracking_code"]

    gateway.send(told.to, f"TOLAK {code} penuh", message_id="sim-d1")
    reply = gateway.reply_to("sim-d1")

    assert reply.text.startswith(f"OK: tugas {code} Anda tolak (Kapasitas penuh)")
    found: list[dict[str, Any]] = []

    def replaced() -> tuple[dict[str, Any], dict[str, Any]] | None:
        found[:] = tasks(messaging_stack, case["case_id"])
        return _replaced(found)

    try:
        declined, next_task = wait_until(replaced, timeout=30, what="re-routed")
    except AssertionError:
        raise AssertionError(f"not re-routed: {found}") from None
    assert (declined["status"], declined["reason_code"]) == ("rejected", "no_capacity")
    assert (next_task["status"], next_task["replaces_id"]) == ("requested", declined["id"]), (
        next_task
    )
    assert next_task["coordinator"]["id"] != declined["coordinator"]["id"]


def second_tksk(uow_factory: UowFactory, village: str) -> None:
    """Another TKSK for the village's kecamatan (the demo directory has one): the next
    candidate when the first declines."""
    with uow_factory() as uow:
        uow.session.add(
            Coordinator(
                external_ref=f"e2e-tksk-{village}",
                name="TKSK Cadangan",
                pillar_code="TKSK",
                region_code=village.rsplit(".", 1)[0],
                phone="0813-5555-0026",
            )
        )
        uow.commit()


def _replaced(found: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The declined task and its replacement, once routing has placed it."""
    declined = [t for t in found if t["status"] == "rejected"]
    if not declined:
        return None
    after = [t for t in found if t["replaces_id"] == declined[0]["id"]]
    return (declined[0], after[0]) if after and after[0]["status"] != "routing" else None


def test_a_case_reported_by_sms_is_routed_like_the_same_case_from_the_api(
    messaging_stack: Stack, gateway: GatewaySimulator, messaging_db: str
) -> None:
    [village] = east_java_villages(uow_factory_for(messaging_db), 5)[3:4]
    by_api = messaging_stack.post_referral(referral("LUT", village))

    gateway.send(
        REPORTER_PHONE.removeprefix("+"),  # the gateway's own way of writing it
        f"RUJUK LUT {village.replace('.', '')} Mbah Sarmi; tinggal sendiri, tidak ada makanan",
        message_id="sim-r1",
    )
    reply = gateway.reply_to("sim-r1")

    assert reply.to == REPORTER_PHONE.removeprefix("+")  # back as the gateway wrote it
    assert reply.text.startswith("Terima kasih. Kasus tercatat: SKB-")
    code = reply.text.split("Kasus tercatat: ")[1].split(".")[0]
    by_sms = wait_until(lambda: _routed(messaging_stack, code), timeout=30, what=f"{code} routed")
    api_pillars = sorted(t["pillar"] for t in tasks(messaging_stack, by_api["case_id"]))
    assert sorted(t["pillar"] for t in by_sms["referrals"]) == api_pillars

    malformed = gateway.send(
        REPORTER_PHONE, "RUJUK LUT 99999 Mbah Sarmi; sakit", message_id="sim-r2"
    )
    assert malformed.status_code == 202
    assert gateway.reply_to("sim-r2").text.startswith("Belum tercatat: kode desa salah")


def _routed(stack: Stack, code: str) -> dict[str, Any] | None:
    case = stack.case(code)
    return (
        case
        if case["referrals"] and all(t["status"] != "routing" for t in case["referrals"])
        else None
    )
