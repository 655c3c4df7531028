"""What follows a declined task, a task referred onward, and the last task to end."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient

from shared.db import UowFactory
from tests.integration.factories import add_coordinator
from tests.integration.intake.conftest import (
    SENDER,
    SUPERVISOR,
    Area,
    as_coordinator,
    outbox_types,
    route_requested,
    routed_case,
    snapshot,
    tasks_of,
    timeline,
)


def post(client: TestClient, url: str, headers: dict[str, str], **body: object) -> Any:
    response = client.post(url, json=body, headers=headers)
    assert response.status_code in (200, 201), response.text
    return response.json()


def test_a_declined_task_goes_to_the_next_coordinator_never_back_to_the_one_who_declined(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    busy = add_coordinator(uow_factory, pillar="TKSK", region=area.district, name="Pak Busy")
    routed_case(client, uow_factory, area, name="Kasus Lain")  # busy now carries one task
    decliner = add_coordinator(uow_factory, pillar="TKSK", region=area.district)
    t = routed_case(client, uow_factory, area)
    assert t.coordinator_id == decliner  # the least loaded

    post(
        client,
        f"/api/v1/referrals/{t.id}/actions/reject",
        as_coordinator(decliner),
        version=1,
        reason="no_capacity",
        note="Sedang menangani bencana",
    )

    old, replacement = tasks_of(uow_factory, t.case_id)
    assert (old.status, old.reason_code, old.reason_note) == (
        "rejected",
        "no_capacity",
        "Sedang menangani bencana",
    )
    assert (replacement.status, replacement.replaces_id, replacement.coordinator_id) == (
        "routing",
        t.id,
        None,
    )
    assert (replacement.pillar_code, replacement.purpose) == (old.pillar_code, old.purpose)
    assert outbox_types(uow_factory, t.case_id)[-2:] == [
        "ReferralStatusChanged",
        "ReferralRouteRequested",
    ]

    route_requested(uow_factory, t.case_id)

    _, rerouted = tasks_of(uow_factory, t.case_id)
    assert (rerouted.status, rerouted.coordinator_id) == ("requested", busy)
    reasons = {c["id"]: c["reason"] for c in rerouted.explanation["considered"]}
    assert reasons[str(decliner)] == "declined_before"
    kinds = [e.kind for e in timeline(uow_factory, t.case_id)]
    assert kinds[-2:] == ["referral_reject", "referral_assigned"]
    inbox = client.get("/api/v1/inbox", headers=as_coordinator(busy)).json()
    assert str(rerouted.id) in {i["id"] for i in inbox["items"]}
    case = client.get(f"/api/v1/cases/{t.case_id}").json()
    declined, replaced = case["referrals"]
    assert (declined["version"], declined["reason_code"], declined["standing"]) == (
        2,
        "no_capacity",
        {},
    )
    assert (replaced["replaces_id"], replaced["version"], set(replaced["standing"])) == (
        str(t.id),
        1,
        {"accept", "resolve"},
    )
    assert replaced["due"]["accept"] and replaced["outcome_code"] is None


def test_when_everyone_has_declined_the_replacement_waits_unassigned_for_the_supervisors(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    first = add_coordinator(uow_factory, pillar="TKSK", region=area.district)
    second = add_coordinator(uow_factory, pillar="TKSK", region=area.district)
    t = routed_case(client, uow_factory, area)
    assert t.coordinator_id in {first, second}
    for holder in (t.coordinator_id, ({first, second} - {t.coordinator_id}).pop()):
        current = tasks_of(uow_factory, t.case_id)[-1]
        assert (current.status, current.coordinator_id) == ("requested", holder)
        post(
            client,
            f"/api/v1/referrals/{current.id}/actions/reject",
            as_coordinator(holder),
            version=current.version,
            reason="out_of_area",
        )
        route_requested(uow_factory, t.case_id)

    tasks = tasks_of(uow_factory, t.case_id)
    assert [x.status for x in tasks] == ["rejected", "rejected", "unassigned"]
    assert tasks[2].coordinator_id is None and tasks[2].replaces_id == tasks[1].id
    assert outbox_types(uow_factory, t.case_id)[-1] == "ReferralUnroutable"
    queue = client.get(
        "/api/v1/referrals/unassigned", params={"region": area.district}, headers=SUPERVISOR
    ).json()
    assert [q["referral_id"] for q in queue] == [str(tasks[2].id)]
    assert client.get(f"/api/v1/cases/{t.case_id}").json()["status"] == "open"


def test_a_task_referred_onward_is_linked_to_its_parent_and_routed_to_the_other_pillar(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    tksk = add_coordinator(uow_factory, pillar="TKSK", region=area.district, name="Pak Darto")
    psm = add_coordinator(uow_factory, pillar="PSM", region=area.village, name="Bu Sumi")
    t = routed_case(client, uow_factory, area)
    me = as_coordinator(tksk)
    post(client, f"/api/v1/referrals/{t.id}/actions/accept", me, version=1)

    response = client.post(
        f"/api/v1/referrals/{t.id}/onward",
        json={"pillar": "psm", "purpose": "Pendampingan harian oleh PSM desa"},
        headers=me,
    )

    assert response.status_code == 201, response.text
    created = response.json()
    child_id = uuid.UUID(created["id"])
    assert created == {
        "id": str(child_id),
        "parent_id": str(t.id),
        "case_id": str(t.case_id),
        "pillar": "PSM",
        "status": "routing",
        "start_level": "village",
        "links": {"case": f"/api/v1/cases/{t.case_id}"},
    }
    parent, child = tasks_of(uow_factory, t.case_id)
    assert (parent.status, parent.version) == ("accepted", 2)  # the parent is unchanged
    assert (child.parent_id, child.rule_id, child.rules_version, child.care) == (
        t.id,
        "onward",
        "-",
        "community",
    )
    assert outbox_types(uow_factory, t.case_id)[-1] == "ReferralRouteRequested"
    [entry] = [e for e in timeline(uow_factory, t.case_id) if e.kind == "referral_onward"]
    assert (entry.actor, entry.data["referral_id"], entry.data["parent_id"]) == (
        "Pak Darto",
        str(child_id),
        str(t.id),
    )

    route_requested(uow_factory, t.case_id)

    _, routed = tasks_of(uow_factory, t.case_id)
    assert (routed.status, routed.coordinator_id, routed.matched_level) == (
        "requested",
        psm,
        "village",
    )
    case = client.get(f"/api/v1/cases/{t.case_id}").json()
    assert [(r["pillar"], r["parent_id"]) for r in case["referrals"]] == [
        ("TKSK", None),
        ("PSM", str(t.id)),
    ]


def test_residential_care_onward_starts_at_the_province(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    tksk = add_coordinator(uow_factory, pillar="TKSK", region=area.district)
    t = routed_case(client, uow_factory, area)
    post(client, f"/api/v1/referrals/{t.id}/actions/accept", as_coordinator(tksk), version=1)
    created = post(
        client,
        f"/api/v1/referrals/{t.id}/onward",
        as_coordinator(tksk),
        pillar="LKS",
        purpose="Rehabilitasi dalam panti werdha",
        care="residential",
    )
    assert (created["pillar"], created["start_level"]) == ("LKS", "province")


def test_only_the_receiver_of_a_task_in_work_refers_it_onward(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    tksk = add_coordinator(uow_factory, pillar="TKSK", region=area.district)
    t = routed_case(client, uow_factory, area)
    url = f"/api/v1/referrals/{t.id}/onward"
    body = {"pillar": "PSM", "purpose": "Pendampingan"}
    before = snapshot(uow_factory, t.id)

    not_yet = client.post(url, json=body, headers=as_coordinator(tksk))
    by_sender = client.post(url, json=body, headers=SENDER)
    unknown = client.post(url, json={**body, "pillar": "NASA"}, headers=as_coordinator(tksk))
    missing = client.post(
        f"/api/v1/referrals/{uuid.uuid4()}/onward", json=body, headers=as_coordinator(tksk)
    )

    assert (not_yet.status_code, not_yet.json()["detail"][0]["type"]) == (409, "conflict")
    assert (by_sender.status_code, by_sender.json()["detail"][0]["type"]) == (403, "forbidden")
    assert (unknown.status_code, unknown.json()["detail"][0]["field"]) == (422, "pillar")
    assert missing.status_code == 404
    assert snapshot(uow_factory, t.id) == before


def test_the_case_closes_only_when_its_last_task_ends(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    tksk = add_coordinator(uow_factory, pillar="TKSK", region=area.district)
    psm = add_coordinator(uow_factory, pillar="PSM", region=area.village)
    t = routed_case(client, uow_factory, area)
    post(client, f"/api/v1/referrals/{t.id}/actions/accept", as_coordinator(tksk), version=1)
    post(
        client,
        f"/api/v1/referrals/{t.id}/onward",
        as_coordinator(tksk),
        pillar="PSM",
        purpose="Pendampingan lanjutan",
    )
    route_requested(uow_factory, t.case_id)
    child = tasks_of(uow_factory, t.case_id)[1]

    post(
        client,
        f"/api/v1/referrals/{t.id}/actions/complete",
        as_coordinator(tksk),
        version=2,
        outcome="referred_outside",
    )
    assert client.get(f"/api/v1/cases/{t.case_id}").json()["status"] == "open"
    assert "CaseClosed" not in outbox_types(uow_factory, t.case_id)

    post(client, f"/api/v1/referrals/{child.id}/actions/accept", as_coordinator(psm), version=1)
    post(
        client,
        f"/api/v1/referrals/{child.id}/actions/complete",
        as_coordinator(psm),
        version=2,
        outcome="service_given",
    )

    case = client.get(f"/api/v1/cases/{t.case_id}").json()
    assert case["status"] == "closed"
    assert [r["outcome_code"] for r in case["referrals"]] == ["referred_outside", "service_given"]
    assert outbox_types(uow_factory, t.case_id).count("CaseClosed") == 1
    [closed] = [e for e in timeline(uow_factory, t.case_id) if e.kind == "case_closed"]
    assert closed.data == {"outcomes": ["referred_outside", "service_given"]}


def test_the_receiver_the_sender_and_a_supervisor_write_notes_on_the_timeline(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    tksk = add_coordinator(uow_factory, pillar="TKSK", region=area.district, name="Pak Darto")
    t = routed_case(client, uow_factory, area)
    url = f"/api/v1/referrals/{t.id}/notes"
    for headers, text in (
        (as_coordinator(tksk), "Sudah ditelepon, kunjungan besok"),
        (SENDER, "Keluarga bisa dihubungi sore hari"),
        (SUPERVISOR, "Mohon dipercepat"),
    ):
        response = client.post(url, json={"text": text}, headers=headers)
        assert response.status_code == 201, response.text
        assert response.json()["data"] == {"referral_id": str(t.id), "text": text}

    stranger = client.post(url, json={"text": "Halo"}, headers=as_coordinator(uuid.uuid4()))
    blank = client.post(url, json={"text": "  "}, headers=SENDER)
    # Someone else's task does not exist for a coordinator.
    assert (stranger.status_code, blank.status_code) == (404, 422)
    notes = [e for e in client.get(f"/api/v1/cases/{t.case_id}").json()["timeline"]]
    assert [(n["actor"], n["data"]["text"]) for n in notes if n["kind"] == "note"] == [
        ("Pak Darto", "Sudah ditelepon, kunjungan besok"),
        ("Sri Wahyuni", "Keluarga bisa dihubungi sore hari"),
        ("Bu Ratna", "Mohon dipercepat"),
    ]
    assert snapshot(uow_factory, t.id)["task"]["version"] == 1  # notes are not changes
