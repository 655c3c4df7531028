"""Acting on a referral task through the API: each action, its audit trail, and the
refusals that change nothing."""

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
    routed_case,
    snapshot,
    task,
    timeline,
)


def act(
    client: TestClient,
    referral_id: uuid.UUID,
    action: str,
    headers: dict[str, str],
    **body: object,
) -> Any:
    response = client.post(
        f"/api/v1/referrals/{referral_id}/actions/{action}", json=body, headers=headers
    )
    assert response.status_code == 200, response.text
    assert response.headers["ETag"] == f'"{response.json()["version"]}"'
    return response.json()


def test_a_task_is_accepted_started_held_resumed_and_completed_with_each_step_on_the_timeline(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    tksk = add_coordinator(uow_factory, pillar="TKSK", region=area.district, name="Pak Darto")
    me = as_coordinator(tksk)
    t = routed_case(client, uow_factory, area)
    assert (t.coordinator_id, t.status, t.version) == (tksk, "requested", 1)

    accepted = act(client, t.id, "accept", me, version=1)
    assert (accepted["status"], accepted["version"]) == ("accepted", 2)
    assert accepted["allowed_actions"] == ["start", "hold", "complete", "fail"]
    assert accepted["due"]["first_contact"] is not None
    assert set(accepted["standing"]) == {"first_contact", "resolve"}
    started = act(client, t.id, "start", me, version=2)
    held = act(
        client, t.id, "hold", me, version=3, reason="waiting_for_documents", note="Menunggu KK"
    )
    assert (started["status"], held["status"], held["reason_code"]) == (
        "in-progress",
        "on-hold",
        "waiting_for_documents",
    )
    resumed = act(client, t.id, "resume", me, version=4)
    done = act(client, t.id, "complete", me, version=5, outcome="service_given")
    assert (resumed["status"], done["status"], done["outcome_code"], done["version"]) == (
        "in-progress",
        "completed",
        "service_given",
        6,
    )
    assert done["allowed_actions"] == [] and done["standing"] == {}

    entries = timeline(uow_factory, t.case_id)
    steps = [e for e in entries if e.kind.startswith("referral_") and e.kind != "referral_assigned"]
    assert [(e.kind, e.data["before"], e.data["after"]) for e in steps] == [
        ("referral_accept", "requested", "accepted"),
        ("referral_start", "accepted", "in-progress"),
        ("referral_hold", "in-progress", "on-hold"),
        ("referral_resume", "on-hold", "in-progress"),
        ("referral_complete", "in-progress", "completed"),
    ]
    assert {e.actor for e in steps} == {"Pak Darto"}  # named from the directory
    assert steps[2].data["note"] == "Menunggu KK"
    assert entries[-1].kind == "case_closed"
    assert outbox_types(uow_factory, t.case_id)[-2:] == ["ReferralStatusChanged", "CaseClosed"]
    stored = task(uow_factory, t.id)
    assert stored.accepted_at and stored.started_at and stored.closed_at
    case = client.get(f"/api/v1/cases/{t.case_id}").json()
    assert case["status"] == "closed"


def test_a_task_that_cannot_be_done_is_marked_failed_with_its_reason(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    tksk = add_coordinator(uow_factory, pillar="TKSK", region=area.district)
    t = routed_case(client, uow_factory, area)
    me = as_coordinator(tksk, "Pak Darto")
    act(client, t.id, "accept", me, version=1)
    failed = act(client, t.id, "fail", me, version=2, reason="could_not_contact")
    assert (failed["status"], failed["reason_code"]) == ("failed", "could_not_contact")
    [entry] = [e for e in timeline(uow_factory, t.case_id) if e.kind == "referral_fail"]
    assert (entry.actor, entry.data["reason"]) == ("Pak Darto", "could_not_contact")


def test_the_sender_cancels_a_task_and_nothing_replaces_it(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    add_coordinator(uow_factory, pillar="TKSK", region=area.district)
    t = routed_case(client, uow_factory, area)
    cancelled = act(client, t.id, "cancel", SENDER, version=1, reason="duplicate")
    assert (cancelled["status"], cancelled["allowed_actions"]) == ("cancelled", [])
    assert snapshot(uow_factory, t.id)["tasks"] == 1
    kinds = [e.kind for e in timeline(uow_factory, t.case_id)]
    assert kinds[-2:] == ["referral_cancel", "case_closed"]
    assert [e.actor for e in timeline(uow_factory, t.case_id)][-2] == "Sri Wahyuni"


def test_a_supervisor_reassigns_a_task_to_another_coordinator_of_the_pillar(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    first = add_coordinator(uow_factory, pillar="TKSK", region=area.district)
    t = routed_case(client, uow_factory, area)
    second = add_coordinator(uow_factory, pillar="TKSK", region=area.district, name="Bu Tini")
    act(client, t.id, "accept", as_coordinator(first), version=1)

    moved = act(client, t.id, "reassign", SUPERVISOR, version=2, coordinator_id=str(second))

    assert (moved["status"], moved["coordinator"]["id"]) == ("requested", str(second))
    assert moved["coordinator"]["name"] == "Bu Tini"
    assert moved["allowed_actions"] == ["cancel", "reassign", "mark-in-error"]
    stored = task(uow_factory, t.id)
    assert stored.accepted_at is None and stored.accept_due_at is not None
    assert outbox_types(uow_factory, t.case_id)[-2:] == [
        "ReferralStatusChanged",
        "ReferralAssigned",
    ]
    [entry] = [e for e in timeline(uow_factory, t.case_id) if e.kind == "referral_reassign"]
    assert (entry.actor, entry.data["before"], entry.data["after"]) == (
        "Bu Ratna",
        "accepted",
        "requested",
    )
    old_inbox = client.get("/api/v1/inbox", headers=as_coordinator(first)).json()
    new_inbox = client.get("/api/v1/inbox", headers=as_coordinator(second)).json()
    assert t.id not in {uuid.UUID(i["id"]) for i in old_inbox["items"]}
    assert [i["id"] for i in new_inbox["items"]] == [str(t.id)]


def test_reassigning_to_a_coordinator_of_another_pillar_is_refused(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    add_coordinator(uow_factory, pillar="TKSK", region=area.district)
    psm = add_coordinator(uow_factory, pillar="PSM", region=area.village)
    t = routed_case(client, uow_factory, area)
    before = snapshot(uow_factory, t.id)
    response = client.post(
        f"/api/v1/referrals/{t.id}/actions/reassign",
        json={"version": 1, "coordinator_id": str(psm)},
        headers=SUPERVISOR,
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "coordinator_id"
    assert snapshot(uow_factory, t.id) == before


def test_a_supervisor_marks_a_task_entered_in_error(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    add_coordinator(uow_factory, pillar="TKSK", region=area.district)
    t = routed_case(client, uow_factory, area)
    wrong = act(client, t.id, "mark-in-error", SUPERVISOR, version=1, note="Kasus uji")
    assert wrong["status"] == "entered-in-error"
    kinds = [e.kind for e in timeline(uow_factory, t.case_id)]
    assert kinds[-2:] == ["referral_mark_in_error", "case_closed"]


def test_a_sender_completing_the_task_is_forbidden_and_changes_nothing(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    tksk = add_coordinator(uow_factory, pillar="TKSK", region=area.district)
    t = routed_case(client, uow_factory, area)
    act(client, t.id, "accept", as_coordinator(tksk), version=1)
    before = snapshot(uow_factory, t.id)
    response = client.post(
        f"/api/v1/referrals/{t.id}/actions/complete",
        json={"version": 2, "outcome": "service_given"},
        headers=SENDER,
    )
    assert response.status_code == 403
    [error] = response.json()["detail"]
    assert (error["field"], error["type"], error["loc"]) == (
        "role",
        "forbidden",
        ["header", "Authorization"],
    )
    assert snapshot(uow_factory, t.id) == before


def test_a_coordinator_cannot_even_find_someone_elses_task(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    add_coordinator(uow_factory, pillar="TKSK", region=area.district)
    t = routed_case(client, uow_factory, area)
    before = snapshot(uow_factory, t.id)
    response = client.post(
        f"/api/v1/referrals/{t.id}/actions/accept",
        json={"version": 1},
        headers=as_coordinator(uuid.uuid4()),
    )
    assert (response.status_code, response.json()["detail"][0]["field"]) == (404, "referral_id")
    assert snapshot(uow_factory, t.id) == before


def test_accepting_a_cancelled_task_is_a_conflict_and_changes_nothing(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    tksk = add_coordinator(uow_factory, pillar="TKSK", region=area.district)
    t = routed_case(client, uow_factory, area)
    act(client, t.id, "cancel", SUPERVISOR, version=1, reason="duplicate")
    before = snapshot(uow_factory, t.id)
    response = client.post(
        f"/api/v1/referrals/{t.id}/actions/accept",
        json={"version": 2},
        headers=as_coordinator(tksk),
    )
    assert response.status_code == 409
    [error] = response.json()["detail"]
    assert (error["field"], error["type"]) == ("action", "conflict")
    assert "cancelled" in error["msg"]
    assert snapshot(uow_factory, t.id) == before


def test_rejecting_without_a_reason_is_refused_and_changes_nothing(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    tksk = add_coordinator(uow_factory, pillar="TKSK", region=area.district)
    t = routed_case(client, uow_factory, area)
    before = snapshot(uow_factory, t.id)
    response = client.post(
        f"/api/v1/referrals/{t.id}/actions/reject",
        json={"version": 1},
        headers=as_coordinator(tksk),
    )
    assert response.status_code == 422
    assert response.json()["detail"][0] == {
        "field": "reason",
        "loc": ["body", "reason"],
        "msg": "a reason is required to reject",
        "type": "invalid",
    }
    assert snapshot(uow_factory, t.id) == before


def test_completing_without_an_outcome_is_refused_and_changes_nothing(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    tksk = add_coordinator(uow_factory, pillar="TKSK", region=area.district)
    t = routed_case(client, uow_factory, area)
    act(client, t.id, "accept", as_coordinator(tksk), version=1)
    before = snapshot(uow_factory, t.id)
    response = client.post(
        f"/api/v1/referrals/{t.id}/actions/complete",
        json={"version": 2},
        headers=as_coordinator(tksk),
    )
    assert (response.status_code, response.json()["detail"][0]["field"]) == (422, "outcome")
    assert snapshot(uow_factory, t.id) == before


def test_an_unknown_reason_or_outcome_code_is_refused_before_anything_happens(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    tksk = add_coordinator(uow_factory, pillar="TKSK", region=area.district)
    t = routed_case(client, uow_factory, area)
    before = snapshot(uow_factory, t.id)
    url = f"/api/v1/referrals/{t.id}/actions/reject"
    response = client.post(
        url, json={"version": 1, "reason": "bored"}, headers=as_coordinator(tksk)
    )
    assert (response.status_code, response.json()["detail"][0]["field"]) == (422, "reason")
    too_long = client.post(
        url,
        json={"version": 1, "reason": "other", "note": "x" * 2001},
        headers=as_coordinator(tksk),
    )
    assert (too_long.status_code, too_long.json()["detail"][0]["field"]) == (422, "note")
    assert snapshot(uow_factory, t.id) == before


def test_a_stale_version_is_a_conflict_naming_the_current_one_and_changes_nothing(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    tksk = add_coordinator(uow_factory, pillar="TKSK", region=area.district)
    t = routed_case(client, uow_factory, area)
    act(client, t.id, "accept", as_coordinator(tksk), version=1)
    before = snapshot(uow_factory, t.id)
    response = client.post(
        f"/api/v1/referrals/{t.id}/actions/start", json={"version": 1}, headers=as_coordinator(tksk)
    )
    assert response.status_code == 409
    [error] = response.json()["detail"]
    assert (error["field"], error["type"], error["current_version"]) == ("version", "stale", 2)
    assert snapshot(uow_factory, t.id) == before


def test_the_version_may_come_as_if_match_instead_of_in_the_body(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    tksk = add_coordinator(uow_factory, pillar="TKSK", region=area.district)
    t = routed_case(client, uow_factory, area)
    me = as_coordinator(tksk)
    url = f"/api/v1/referrals/{t.id}/actions"
    accepted = client.post(f"{url}/accept", headers={**me, "If-Match": '"1"'})
    assert (accepted.status_code, accepted.headers["ETag"]) == (200, '"2"')
    started = client.post(f"{url}/start", json={}, headers={**me, "If-Match": 'W/"2"'})
    assert (started.status_code, started.json()["status"]) == (200, "in-progress")
    stale = client.post(f"{url}/hold", json={"reason": "other"}, headers={**me, "If-Match": '"2"'})
    assert (stale.status_code, stale.json()["detail"][0]["type"]) == (409, "stale")
    mismatch = client.post(
        f"{url}/hold", json={"version": 2, "reason": "other"}, headers={**me, "If-Match": '"3"'}
    )
    assert (mismatch.status_code, mismatch.json()["detail"][0]["field"]) == (422, "version")
    garbled = client.post(f"{url}/hold", json={"reason": "other"}, headers={**me, "If-Match": "*"})
    assert (garbled.status_code, garbled.json()["detail"][0]["field"]) == (422, "If-Match")
    assert task(uow_factory, t.id).version == 3


def test_an_action_without_a_version_is_refused_with_428(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    tksk = add_coordinator(uow_factory, pillar="TKSK", region=area.district)
    t = routed_case(client, uow_factory, area)
    before = snapshot(uow_factory, t.id)
    response = client.post(
        f"/api/v1/referrals/{t.id}/actions/accept", json={}, headers=as_coordinator(tksk)
    )
    assert response.status_code == 428
    assert response.json()["detail"][0]["field"] == "version"
    assert snapshot(uow_factory, t.id) == before


def test_an_unknown_task_is_404_and_an_unknown_action_is_422(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    tksk = add_coordinator(uow_factory, pillar="TKSK", region=area.district)
    t = routed_case(client, uow_factory, area)
    missing = client.post(
        f"/api/v1/referrals/{uuid.uuid4()}/actions/accept",
        json={"version": 1},
        headers=as_coordinator(tksk),
    )
    assert (missing.status_code, missing.json()["detail"][0]["field"]) == (404, "referral_id")
    unknown = client.post(
        f"/api/v1/referrals/{t.id}/actions/approve", json={"version": 1}, headers=SUPERVISOR
    )
    assert (unknown.status_code, unknown.json()["detail"][0]["field"]) == (422, "action")
