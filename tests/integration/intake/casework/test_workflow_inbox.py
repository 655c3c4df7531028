"""A coordinator's inbox: their tasks, most urgent first, with deadlines and what they may
do, and never more about the person than initials."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from shared.db import UowFactory
from tests.integration.factories import add_coordinator
from tests.integration.intake.conftest import (
    ANONYMOUS,
    SENDER,
    SUPERVISOR,
    Area,
    as_coordinator,
    routed_case,
)


def inbox(client: TestClient, coordinator: uuid.UUID, **params: Any) -> Any:
    response = client.get("/api/v1/inbox", params=params, headers=as_coordinator(coordinator))
    assert response.status_code == 200, response.text
    return response.json()


def ids(page: Any) -> list[str]:
    return [item["id"] for item in page["items"]]


def test_the_inbox_shows_a_task_by_its_need_with_initials_but_no_name_or_nik(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    tksk = add_coordinator(uow_factory, pillar="TKSK", region=area.district)
    t = routed_case(client, uow_factory, area, name="Siti Aminah")

    response = client.get("/api/v1/inbox", headers=as_coordinator(tksk))

    assert response.status_code == 200, response.text
    page = response.json()
    assert (page["total"], page["limit"], page["offset"]) == (1, 50, 0)
    [item] = page["items"]
    assert {k: item[k] for k in ("id", "version", "status", "pillar", "urgency", "offered")} == {
        "id": str(t.id),
        "version": 1,
        "status": "requested",
        "pillar": "TKSK",
        "urgency": "high",
        "offered": False,
    }
    assert item["beneficiary_initials"] == "S.A."
    assert item["coordinator"] == {
        "id": str(tksk),
        "name": f"TKSK {area.district}",
        "pillar": "TKSK",
        "region_code": area.district,
    }
    assert "Siti" not in response.text and "3508014203480001" not in response.text
    assert item["purpose"]["id"] and item["purpose"]["en"]
    assert item["tracking_code"].startswith("SKB-")
    assert item["category"]["code"] == "LUT"
    assert item["place"]["village_code"] == area.village
    assert item["place"]["kecamatan"] and item["place"]["kab_kota"].startswith("Kab")
    assert item["allowed_actions"] == ["accept", "reject"]
    assert item["due"]["accept"] and item["due"]["resolve"] and not item["due"]["first_contact"]
    assert item["standing"] == {"accept": "on_track", "resolve": "on_track"}


def test_emergencies_come_first_then_the_soonest_due(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    tksk = add_coordinator(uow_factory, pillar="TKSK", region=area.district)
    low = routed_case(client, uow_factory, area, urgency="low")
    high_accepted = routed_case(client, uow_factory, area, urgency="high")
    high_waiting = routed_case(client, uow_factory, area, urgency="high")
    emergency = routed_case(client, uow_factory, area, urgency="emergency")
    normal = routed_case(client, uow_factory, area, urgency="normal")
    accepted = client.post(
        f"/api/v1/referrals/{high_accepted.id}/actions/accept",
        json={"version": 1},
        headers=as_coordinator(tksk),
    )
    assert accepted.status_code == 200

    page = inbox(client, tksk)

    # The waiting task is due to be accepted within hours; the accepted one's first
    # contact is due a working day later.
    assert ids(page) == [str(t.id) for t in (emergency, high_waiting, high_accepted, normal, low)]


def test_the_inbox_filters_by_status_urgency_and_pillar_and_pages(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    tksk = add_coordinator(uow_factory, pillar="TKSK", region=area.district)
    tasks = [routed_case(client, uow_factory, area, urgency=u) for u in ("high", "high", "low")]
    client.post(
        f"/api/v1/referrals/{tasks[0].id}/actions/accept",
        json={"version": 1},
        headers=as_coordinator(tksk),
    )
    client.post(
        f"/api/v1/referrals/{tasks[2].id}/actions/reject",
        json={"version": 1, "reason": "not_eligible"},
        headers=as_coordinator(tksk),
    )

    assert ids(inbox(client, tksk)) == [str(tasks[1].id), str(tasks[0].id)]
    assert ids(inbox(client, tksk, status="accepted")) == [str(tasks[0].id)]
    both = inbox(client, tksk, status=["rejected", "accepted"])
    assert set(ids(both)) == {str(tasks[0].id), str(tasks[2].id)}
    assert ids(inbox(client, tksk, urgency="low", status="rejected")) == [str(tasks[2].id)]
    assert inbox(client, tksk, pillar="PSM")["total"] == 0
    second = inbox(client, tksk, limit=1, offset=1)
    assert (ids(second), second["total"]) == ([str(tasks[0].id)], 2)

    for bad in ({"status": "done"}, {"urgency": "asap"}, {"pillar": "NASA"}, {"limit": 201}):
        response = client.get("/api/v1/inbox", params=bad, headers=as_coordinator(tksk))
        assert response.status_code == 422, bad
        assert response.json()["detail"][0]["field"].startswith(next(iter(bad)))


def test_deadline_standing_is_computed_with_the_policy_at_request_time(
    client: TestClient,
    uow_factory: UowFactory,
    area: Area,
    clock: Callable[[datetime], None],
) -> None:
    tksk = add_coordinator(uow_factory, pillar="TKSK", region=area.district)
    t = routed_case(client, uow_factory, area, urgency="high")  # 4 hours to accept
    assert t.assigned_at is not None

    clock(t.assigned_at + timedelta(hours=3, minutes=30))
    [at_risk] = inbox(client, tksk)["items"]
    clock(t.assigned_at + timedelta(hours=5))
    [breached] = inbox(client, tksk)["items"]
    case = client.get(f"/api/v1/cases/{t.case_id}").json()

    assert at_risk["standing"] == {"accept": "at_risk", "resolve": "on_track"}
    assert breached["standing"] == {"accept": "breached", "resolve": "on_track"}
    [referral] = case["referrals"]
    assert referral["standing"] == breached["standing"]
    assert referral["due"] == breached["due"]


def test_the_inbox_is_for_coordinators_who_say_who_they_are(
    client: TestClient, uow_factory: UowFactory
) -> None:
    assert client.get("/api/v1/inbox", headers=ANONYMOUS).status_code == 401
    for headers in (SENDER, SUPERVISOR):
        response = client.get("/api/v1/inbox", headers=headers)
        assert response.status_code == 403
        assert response.json()["detail"][0]["field"] == "Authorization"
    nobody = client.get("/api/v1/inbox", headers=as_coordinator(uuid.uuid4()))
    assert (nobody.status_code, nobody.json()["items"]) == (200, [])
