"""Coordinators answer their tasks by message: the same life cycle, roles and versions as
the API, and an answer saying what was done or exactly why not."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

from fastapi.testclient import TestClient

from services.intake.messaging import handle as handling
from shared.db import UowFactory
from shared.models import Case, Referral
from tests.integration.factories import add_coordinator
from tests.integration.intake.conftest import Area, route_requested, routed_case, tasks_of
from tests.integration.intake.messaging.conftest import (
    add_phone_coordinator,
    audited,
    handle_all,
    new_phone,
    reply_events,
    send,
)


def test_a_coordinator_accepts_their_only_open_task_by_replying_terima(
    client: TestClient,
    gateway: TestClient,
    worker: handling.Messaging,
    uow_factory: UowFactory,
    area: Area,
) -> None:
    phone, task = my_task(client, uow_factory, area)

    response = send(gateway, phone.replace("+", ""), "  Terima ")
    assert response.status_code == 202, response.text
    done = handle_all(worker, response.json()["id"])

    [accepted] = tasks_of(uow_factory, task.case_id)
    assert (accepted.status, accepted.version) == ("accepted", task.version + 1)
    assert (done.state, done.outcome, done.referral_id) == ("answered", "accepted", task.id)
    assert done.reply is not None and done.reply.startswith("OK: tugas SKB-")
    assert reply_events(uow_factory, response.json()["id"]) == 1
    [entry] = [e for e in audited(uow_factory, response.json()["id"])]
    assert (entry.action, entry.data["outcome"]) == ("message_accept", "accepted")
    # The number is masked in the trail.
    assert all(phone[3:] not in str(v) for v in (entry.actor, entry.client, entry.data))


def test_declining_with_a_coded_reason_hands_the_task_to_the_next_coordinator(
    client: TestClient,
    gateway: TestClient,
    worker: handling.Messaging,
    uow_factory: UowFactory,
    area: Area,
) -> None:
    other = add_coordinator(uow_factory, pillar="TKSK", region=area.district)
    routed_case(client, uow_factory, area, name="Kasus Lain")  # the other now has one task
    phone, task = my_task(client, uow_factory, area)
    code = _code(uow_factory, task.case_id)

    response = send(gateway, phone, f"tolak {code.lower()} PENUH, sedang bencana")
    done = handle_all(worker, response.json()["id"])

    old, _ = tasks_of(uow_factory, task.case_id)
    assert (old.status, old.reason_code) == ("rejected", "no_capacity")
    assert done.outcome == "declined" and "Kapasitas penuh" in (done.reply or "")
    route_requested(uow_factory, task.case_id)
    _, rerouted = tasks_of(uow_factory, task.case_id)
    assert (rerouted.status, rerouted.coordinator_id) == ("requested", other)


def test_a_task_that_is_not_theirs_or_no_longer_open_is_refused_with_a_clear_answer(
    client: TestClient,
    gateway: TestClient,
    worker: handling.Messaging,
    uow_factory: UowFactory,
    area: Area,
    fresh_areas: Iterator[Area],
) -> None:
    phone, mine = my_task(client, uow_factory, area)
    elsewhere = next(fresh_areas)
    add_coordinator(uow_factory, pillar="TKSK", region=elsewhere.district)
    foreign = _code(uow_factory, routed_case(client, uow_factory, elsewhere).case_id)
    code = _code(uow_factory, mine.case_id)

    refused = handle_all(worker, send(gateway, phone, f"TERIMA {foreign}").json()["id"])
    assert refused.outcome == "refused:not_yours"
    assert refused.reply == (
        f"Tidak ada tugas Anda dengan kode {foreign}. Periksa kodenya, atau balas STATUS "
        "untuk daftar tugas Anda."
    )
    handle_all(worker, send(gateway, phone, f"TERIMA {code}").json()["id"])
    again = handle_all(worker, send(gateway, phone, f"tolak {code} 1").json()["id"])
    assert again.outcome == "refused:conflict"
    assert again.reply is not None and f"Tugas {code} sudah diterima" in again.reply
    [task] = tasks_of(uow_factory, mine.case_id)
    assert (task.status, task.version) == ("accepted", mine.version + 1)


def test_a_redelivered_message_changes_nothing_and_gets_the_same_answer(
    client: TestClient,
    gateway: TestClient,
    worker: handling.Messaging,
    uow_factory: UowFactory,
    area: Area,
) -> None:
    phone, task = my_task(client, uow_factory, area)

    first = send(gateway, phone, "TERIMA", message_id="gw-redelivered-" + str(task.id))
    again = send(gateway, phone, "TERIMA", message_id="gw-redelivered-" + str(task.id))
    assert (first.status_code, again.status_code) == (202, 202)
    assert first.json() == again.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    handle_all(worker, first.json()["id"])
    handle_all(worker, first.json()["id"])  # the event delivered twice

    [accepted] = tasks_of(uow_factory, task.case_id)
    assert accepted.version == task.version + 1
    assert reply_events(uow_factory, first.json()["id"]) == 1


def test_start_done_note_and_status_follow_the_life_cycle(
    client: TestClient,
    gateway: TestClient,
    worker: handling.Messaging,
    uow_factory: UowFactory,
    area: Area,
) -> None:
    phone, task = my_task(client, uow_factory, area, language="en")
    code = _code(uow_factory, task.case_id)

    early = handle_all(worker, send(gateway, phone, "DONE 1").json()["id"])
    assert early.outcome == "refused:conflict"
    for text in ("ACCEPT", "start", "NOTE visited, needs a wheelchair", "slesai 2"):
        handle_all(worker, send(gateway, phone, text).json()["id"])
    status = handle_all(worker, send(gateway, phone, f"STATUS {code}").json()["id"])

    [done] = tasks_of(uow_factory, task.case_id)
    assert (done.status, done.outcome_code) == ("completed", "enrolled_in_programme")
    assert status.reply == f"{code} (LUT): completed"


def my_task(
    client: TestClient, uow_factory: UowFactory, area: Area, *, language: str = "id"
) -> tuple[str, Referral]:
    """A TKSK of `area` with a phone, and the task routing gives them."""
    phone = new_phone()
    me = add_phone_coordinator(
        uow_factory, pillar="TKSK", region=area.district, phone=phone, language=language
    )
    task = routed_case(client, uow_factory, area)
    assert task.coordinator_id == me
    return phone, task


def _code(uow_factory: UowFactory, case_id: uuid.UUID) -> str:
    with uow_factory() as uow:
        return uow.session.get_one(Case, case_id).tracking_code
