"""An emergency task offered to several coordinators at once: the first to accept wins,
however close the others come."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from shared.db import UowFactory
from shared.models import OutboxEvent
from tests.integration.factories import add_coordinator
from tests.integration.intake.conftest import (
    Area,
    as_coordinator,
    offers_of,
    routed_case,
    task,
    timeline,
)

NEEDS_ROW_LOCKS = (
    "SQLite lets one writer in at a time (BEGIN IMMEDIATE), so requests cannot race there; "
    "this needs PostgreSQL's row locks"
)


def offered_to_three(client: TestClient, uow_factory: UowFactory, area: Area) -> Any:
    trio = [add_coordinator(uow_factory, pillar="TKSK", region=area.district) for _ in range(3)]
    t = routed_case(client, uow_factory, area, urgency="emergency")
    assert (t.status, t.coordinator_id) == ("requested", None)
    assert offers_of(uow_factory, t.id) == dict.fromkeys(trio, "offered")
    return t, trio


def accept(client: TestClient, referral_id: uuid.UUID, who: uuid.UUID, version: int) -> Any:
    return client.post(
        f"/api/v1/referrals/{referral_id}/actions/accept",
        json={"version": version},
        headers=as_coordinator(who),
    )


def race(client: TestClient, requests: list[tuple[str, uuid.UUID, dict[str, Any]]]) -> list[Any]:
    """Fire the requests at once, each from its own thread and client (so its own unit of
    work), and return their responses in order."""
    responses: list[httpx.Response | None] = [None] * len(requests)
    start = threading.Barrier(len(requests))

    def fire(i: int, url: str, who: uuid.UUID, body: dict[str, Any]) -> None:
        with TestClient(client.app, raise_server_exceptions=False) as own:
            start.wait()
            responses[i] = own.post(url, json=body, headers=as_coordinator(who))

    threads = [threading.Thread(target=fire, args=(i, *r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(r is not None for r in responses), "a request did not finish"
    return responses


def status_changes(uow_factory: UowFactory, case_id: uuid.UUID) -> list[dict[str, Any]]:
    with uow_factory() as uow:
        return [
            e["payload"]
            for e in uow.session.scalars(
                select(OutboxEvent.envelope)
                .where(
                    OutboxEvent.case_id == case_id,
                    OutboxEvent.event_type == "ReferralStatusChanged",
                )
                .order_by(OutboxEvent.id)
            )
        ]


def test_an_emergency_offered_to_three_goes_to_the_first_who_accepts(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    t, trio = offered_to_three(client, uow_factory, area)
    for coordinator in trio:
        [item] = client.get("/api/v1/inbox", headers=as_coordinator(coordinator)).json()["items"]
        assert (item["id"], item["offered"], item["allowed_actions"]) == (
            str(t.id),
            True,
            ["accept", "reject"],
        )
    winner, late, later = trio[1], trio[0], trio[2]

    won = accept(client, t.id, winner, 1)
    too_late = [accept(client, t.id, c, 1) for c in (late, later)]
    reread = accept(client, t.id, late, 2)

    assert won.status_code == 200, won.text
    assert (won.json()["coordinator"]["id"], won.json()["offered"]) == (str(winner), False)
    assert [(r.status_code, r.json()["detail"][0]["type"]) for r in too_late] == [
        (409, "stale"),
        (409, "stale"),
    ]
    assert (reread.status_code, reread.json()["detail"][0]["type"]) == (403, "forbidden")
    assert offers_of(uow_factory, t.id) == {winner: "won", late: "withdrawn", later: "withdrawn"}
    [change] = status_changes(uow_factory, t.case_id)
    assert set(change["withdrawn_from"]) == {str(late), str(later)}
    for coordinator in (late, later):
        page = client.get("/api/v1/inbox", headers=as_coordinator(coordinator)).json()
        assert page["items"] == []
    kinds = [e.kind for e in timeline(uow_factory, t.case_id)]
    assert kinds.count("referral_accept") == 1


def test_two_accepts_racing_on_postgresql_exactly_one_wins(
    client: TestClient, uow_factory: UowFactory, area: Area, is_postgres: bool
) -> None:
    if not is_postgres:
        pytest.skip(NEEDS_ROW_LOCKS)
    t, trio = offered_to_three(client, uow_factory, area)
    url = f"/api/v1/referrals/{t.id}/actions/accept"
    # Five accepts of version 1: each offered coordinator, two of them twice (a double tap).
    who = [trio[i % 3] for i in range(5)]

    responses = race(client, [(url, c, {"version": 1}) for c in who])

    codes = [r.status_code for r in responses]
    assert sorted(codes) == [200, 409, 409, 409, 409], [r.text for r in responses]
    assert {r.json()["detail"][0]["type"] for r in responses if r.status_code == 409} == {"stale"}
    winner = who[codes.index(200)]
    stored = task(uow_factory, t.id)
    assert (stored.status, stored.version, stored.coordinator_id) == ("accepted", 2, winner)
    assert offers_of(uow_factory, t.id) == {
        c: ("won" if c == winner else "withdrawn") for c in trio
    }
    assert [e.kind for e in timeline(uow_factory, t.case_id)].count("referral_accept") == 1
    [change] = status_changes(uow_factory, t.case_id)
    assert (change["coordinator_id"], len(change["withdrawn_from"])) == (str(winner), 2)


def test_simultaneous_updates_of_one_version_on_postgresql_change_the_task_once(
    client: TestClient, uow_factory: UowFactory, area: Area, is_postgres: bool
) -> None:
    if not is_postgres:
        pytest.skip(NEEDS_ROW_LOCKS)
    tksk = add_coordinator(uow_factory, pillar="TKSK", region=area.district)
    t = routed_case(client, uow_factory, area)
    assert accept(client, t.id, tksk, 1).status_code == 200
    base = f"/api/v1/referrals/{t.id}/actions"
    requests = [
        (f"{base}/start", tksk, {"version": 2}),
        (f"{base}/hold", tksk, {"version": 2, "reason": "person_unavailable"}),
        (f"{base}/complete", tksk, {"version": 2, "outcome": "service_given"}),
        (f"{base}/fail", tksk, {"version": 2, "reason": "could_not_contact"}),
        (f"{base}/start", tksk, {"version": 2}),
    ]

    responses = race(client, requests)

    codes = [r.status_code for r in responses]
    assert sorted(codes) == [200, 409, 409, 409, 409], [r.text for r in responses]
    assert {
        r.json()["detail"][0]["current_version"] for r in responses if r.status_code == 409
    } == {3}
    winner = responses[codes.index(200)].json()
    stored = task(uow_factory, t.id)
    assert (stored.version, stored.status) == (3, winner["status"])
    assert len(status_changes(uow_factory, t.case_id)) == 2  # the accept, and one more
    steps = [e for e in timeline(uow_factory, t.case_id) if e.data.get("before") == "accepted"]
    assert len(steps) == 1


def reject(client: TestClient, referral_id: uuid.UUID, who: uuid.UUID, version: int) -> Any:
    return client.post(
        f"/api/v1/referrals/{referral_id}/actions/reject",
        json={"version": version, "reason": "no_capacity"},
        headers=as_coordinator(who),
    )


def test_declining_an_offer_withdraws_only_that_offer_until_the_last_declines(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    t, trio = offered_to_three(client, uow_factory, area)
    first = reject(client, t.id, trio[0], 1)
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "requested"
    assert offers_of(uow_factory, t.id) == {
        trio[0]: "declined",
        trio[1]: "offered",
        trio[2]: "offered",
    }
    assert client.get("/api/v1/inbox", headers=as_coordinator(trio[0])).json()["items"] == []

    assert reject(client, t.id, trio[1], 2).status_code == 200
    last = reject(client, t.id, trio[2], 3)
    assert last.status_code == 200, last.text
    assert last.json()["status"] == "rejected"
    assert status_changes(uow_factory, t.case_id)[-1]["after"] == "rejected"
    kinds = [e.kind for e in timeline(uow_factory, t.case_id)]
    assert kinds.count("offer_declined") == 2
