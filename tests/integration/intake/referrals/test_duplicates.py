"""Possible duplicates at intake, through the API: the same NIK, a similar name with the same
birth date in the same kecamatan; a neighbour who is someone else is not flagged; a merge
closes the duplicate with merged_into, withdraws its tasks, and is undone within a day."""

from __future__ import annotations

import random
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from services.notify import recipients
from shared.db import UowFactory
from shared.events import Envelope
from shared.models import Case, OutboxEvent
from tests.integration.factories import add_coordinator, route
from tests.integration.intake.conftest import (
    SENDER,
    SUPERVISOR,
    Area,
    referral,
    route_requested,
    tasks_of,
    timeline,
)
from tests.support.auth import headers_for


def fresh_nik() -> str:
    """A well-formed NIK of a woman born 2 March 1948, its serial drawn at random."""
    return f"350801420348{random.randint(1000, 9999)}"


def submit(client: TestClient, village: str, beneficiary: dict[str, Any]) -> dict[str, Any]:
    body = referral(village_code=village, beneficiary=beneficiary)
    body["reporter"]["email"] = "sri.wahyuni@puskesos.example"
    response = client.post("/api/v1/referrals", json=body, headers=SENDER)
    assert response.status_code == 201, response.text
    return response.json()


def sibling_village(uow_factory: UowFactory, area: Area) -> str:
    from shared.models import Region

    with uow_factory() as uow:
        return (
            uow.session.scalars(
                select(Region.code).where(
                    Region.parent_code == area.district, Region.code != area.village
                )
            ).first()
            or area.village
        )


def told_of(uow_factory: UowFactory, case_id: uuid.UUID) -> set[tuple[str, str]]:
    """What notify would send for the case's events: (kind of message, merged_into)."""
    with uow_factory() as uow:
        envelopes = [
            Envelope.model_validate(e)
            for e in uow.session.scalars(
                select(OutboxEvent.envelope).where(OutboxEvent.case_id == case_id)
            )
        ]
        told = set()
        for envelope in envelopes:
            plan_of = recipients.WHO_GETS_WHAT.get(envelope.type)
            if plan_of is not None:
                plan = plan_of(uow.session, envelope.event())
                told |= {(r.kind, plan.facts.get("merged_into", "")) for r in plan.recipients}
    return told


def test_the_same_nik_is_flagged_in_the_answer_and_on_the_case(
    client: TestClient, area: Area
) -> None:
    nik = fresh_nik()
    first = submit(client, area.village, {"name": "Sarmi", "nik": nik})
    second = submit(client, "35.78.01.1001", {"name": "Mbah Sarmi", "nik": nik})
    assert second["status"] == "received"  # stored and routed anyway
    [flag] = second["possible_duplicates"]
    assert flag == {
        "case_id": first["case_id"],
        "tracking_code": first["tracking_code"],
        "match": "nik",
        "score": 1.0,
    }
    for created, other in ((second, first), (first, second)):
        case = client.get(f"/api/v1/cases/{created['case_id']}", headers=SUPERVISOR).json()
        assert [f["tracking_code"] for f in case["possible_duplicates"]] == [other["tracking_code"]]


def test_a_name_variant_born_the_same_day_nearby_is_flagged_without_a_nik(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    first = submit(
        client, area.village, {"name": "Hj. Siti Choiriyah binti Ahmad", "birth_date": "1961-07-14"}
    )
    near = sibling_village(uow_factory, area)
    second = submit(client, near, {"name": "Bu Siti Khoiriyah", "birth_date": "1961-07-14"})
    [flag] = second["possible_duplicates"]
    assert (flag["case_id"], flag["match"]) == (first["case_id"], "name_birth_place")
    assert 0.85 <= flag["score"] <= 1
    # Without a birth date on one side the name alone, in the same kecamatan, still counts.
    third = submit(client, area.village, {"name": "Siti Khoiriyah"})
    assert {f["case_id"] for f in third["possible_duplicates"]} >= {first["case_id"]}


def test_a_neighbour_who_is_someone_else_is_not_flagged(client: TestClient, area: Area) -> None:
    submit(client, area.village, {"name": "Siti Aminah", "birth_date": "1970-01-05"})
    other_name = submit(client, area.village, {"name": "Suparjo", "birth_date": "1970-01-05"})
    other_day = submit(client, area.village, {"name": "Siti Aminah", "birth_date": "1982-11-30"})
    another_nik = submit(client, area.village, {"name": "Siti Aminah", "nik": fresh_nik()})
    assert other_name["possible_duplicates"] == other_day["possible_duplicates"] == []
    # A different NIK is a different person, even with the same name nearby (here the NIK
    # says another birth date too).
    assert all(f["match"] == "name_birth_place" for f in another_nik["possible_duplicates"])


def test_a_supervisor_merges_a_duplicate_and_undoes_it_within_the_day(
    client: TestClient,
    uow_factory: UowFactory,
    area: Area,
    clock: Callable[[datetime], None],
) -> None:
    add_coordinator(uow_factory, pillar="TKSK", region=area.district)
    nik = fresh_nik()
    stays = submit(client, area.village, {"name": "Sarmi", "nik": nik})
    dup = submit(client, area.village, {"name": "Sarmi", "nik": nik})
    dup_id = uuid.UUID(dup["case_id"])
    route(uow_factory, dup_id)
    withdrawn = [t.id for t in tasks_of(uow_factory, dup_id) if t.status == "requested"]
    assert withdrawn
    # A case worker may not merge; a supervisor elsewhere does not see the cases.
    assert (
        client.post(
            f"/api/v1/cases/{dup_id}/merge", json={"into": stays["tracking_code"]}, headers=SENDER
        ).status_code
        == 403
    )
    elsewhere = headers_for("supervisor", "sv-bali", "Bu Made", jurisdiction="51")
    assert (
        client.post(
            f"/api/v1/cases/{dup_id}/merge",
            json={"into": stays["tracking_code"]},
            headers=elsewhere,
        ).status_code
        == 404
    )
    itself = client.post(
        f"/api/v1/cases/{dup_id}/merge", json={"into": dup["tracking_code"]}, headers=SUPERVISOR
    )
    assert itself.status_code == 422 and itself.json()["detail"][0]["field"] == "into"

    now = datetime.now(UTC)
    clock(now)
    merged = client.post(
        f"/api/v1/cases/{dup_id}/merge", json={"into": stays["tracking_code"]}, headers=SUPERVISOR
    )
    assert merged.status_code == 200, merged.text
    body = merged.json()
    assert body["status"] == "closed"
    assert body["merged_into"]["tracking_code"] == stays["tracking_code"]
    assert body["possible_duplicates"] == []
    assert {r["status"] for r in body["referrals"]} == {"cancelled"}
    assert {r["reason_code"] for r in body["referrals"]} == {"duplicate"}
    survivor = client.get(f"/api/v1/cases/{stays['case_id']}", headers=SUPERVISOR).json()
    assert survivor["merged_from"] == [
        {"case_id": dup["case_id"], "tracking_code": dup["tracking_code"]}
    ]
    assert "case_merged_from" in [e["kind"] for e in survivor["timeline"]]
    with uow_factory() as uow:
        kinds = uow.session.scalars(
            select(OutboxEvent.event_type).where(OutboxEvent.case_id == dup_id)
        ).all()
    assert "CaseMerged" in kinds
    told = told_of(uow_factory, dup_id)
    assert ("task_withdrawn", stays["tracking_code"]) in told
    assert ("case_merged", stays["tracking_code"]) in told
    again = client.post(
        f"/api/v1/cases/{dup_id}/merge", json={"into": stays["tracking_code"]}, headers=SUPERVISOR
    )
    assert again.status_code == 409

    clock(now + timedelta(hours=2))
    undone = client.post(f"/api/v1/cases/{dup_id}/merge/undo", headers=SUPERVISOR)
    assert undone.status_code == 200, undone.text
    assert undone.json()["merged_into"] is None and undone.json()["status"] == "open"
    successors = [t for t in tasks_of(uow_factory, dup_id) if t.replaces_id in withdrawn]
    assert len(successors) == len(withdrawn)
    route_requested(uow_factory, dup_id)
    assert {t.status for t in tasks_of(uow_factory, dup_id) if t.replaces_id} == {"requested"}
    assert "case_merge_undone" in [e.kind for e in timeline(uow_factory, dup_id)]


def test_a_merge_is_undone_for_a_day_only(
    client: TestClient, area: Area, clock: Callable[[datetime], None]
) -> None:
    nik = fresh_nik()
    stays = submit(client, area.village, {"name": "Sarmi", "nik": nik})
    dup = submit(client, area.village, {"name": "Sarmi", "nik": nik})
    now = datetime.now(UTC)
    clock(now)
    assert (
        client.post(
            f"/api/v1/cases/{dup['case_id']}/merge",
            json={"into": stays["case_id"]},
            headers=SUPERVISOR,
        ).status_code
        == 200
    )
    clock(now + timedelta(hours=25))
    late = client.post(f"/api/v1/cases/{dup['case_id']}/merge/undo", headers=SUPERVISOR)
    assert late.status_code == 409
    assert "a day" in late.json()["detail"][0]["msg"]


def test_not_a_duplicate_is_not_raised_again(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    first = submit(client, area.village, {"name": "Paijo", "birth_date": "1955-05-05"})
    second = submit(client, area.village, {"name": "Pak Paidjo", "birth_date": "1955-05-05"})
    assert [f["case_id"] for f in second["possible_duplicates"]] == [first["case_id"]]
    answer = client.post(
        f"/api/v1/cases/{second['case_id']}/duplicates/dismiss",
        json={"other": first["tracking_code"]},
        headers=SUPERVISOR,
    )
    assert answer.status_code == 204, answer.text
    for created in (first, second):
        case = client.get(f"/api/v1/cases/{created['case_id']}", headers=SUPERVISOR).json()
        assert case["possible_duplicates"] == []
        assert "duplicate_dismissed" in [e["kind"] for e in case["timeline"]]
    unflagged = client.post(
        f"/api/v1/cases/{second['case_id']}/duplicates/dismiss",
        json={"other": str(uuid.uuid4())},
        headers=SUPERVISOR,
    )
    assert unflagged.status_code == 404 and unflagged.json()["detail"][0]["field"] == "other"
    with uow_factory() as uow:
        assert uow.session.get_one(Case, uuid.UUID(second["case_id"])).merged_into_id is None


def test_the_same_person_reported_twice_at_once_is_still_flagged(
    client: TestClient, area: Area
) -> None:
    """Both referrals look before either commits; the later must still see the earlier
    (PostgreSQL: a transaction lock per kecamatan and NIK; SQLite: one writer at a time)."""
    nik = fresh_nik()
    answers: list[dict[str, Any] | None] = [None, None]
    start = threading.Barrier(2)

    def fire(i: int) -> None:
        with TestClient(client.app, raise_server_exceptions=False) as own:
            start.wait()
            body = referral(village_code=area.village,
                            beneficiary={"name": "Sarmi", "nik": nik})  # fmt: skip
            response = own.post("/api/v1/referrals", json=body, headers=SENDER)
            answers[i] = response.json() if response.status_code == 201 else None

    threads = [threading.Thread(target=fire, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    first, second = answers
    assert first is not None and second is not None
    flagged = [a["possible_duplicates"] for a in answers if a is not None]
    assert sorted(len(f) for f in flagged) == [0, 1], flagged
    case = client.get(f"/api/v1/cases/{first['case_id']}", headers=SUPERVISOR).json()
    assert [f["case_id"] for f in case["possible_duplicates"]] == [second["case_id"]]
