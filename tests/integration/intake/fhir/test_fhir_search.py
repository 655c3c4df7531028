"""Searching Tasks and ServiceRequests as a SATUSEHAT-style consumer polls them: searchset
Bundles (validated against the R4B models), keyset paging with a `next` link only when
there is more, `_lastUpdated`, status and holder filters, the reader's scope, and a 400
OperationOutcome for a parameter the server cannot take."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.servicerequest import ServiceRequest
from fhir.resources.R4B.task import Task

from shared.db import UowFactory
from tests.integration.factories import add_coordinator
from tests.integration.intake.conftest import SUPERVISOR, Area, as_coordinator, routed_case

FHIR = "/fhir/r4"


def search(client: TestClient, url: str, headers: dict[str, str]) -> Any:
    """Search (a path under the FHIR base, or a link the server gave); a valid Bundle of
    valid resources."""
    path = urlsplit(url)
    target = f"{path.path}?{path.query}" if path.scheme else f"{FHIR}/{url}"
    response = client.get(target, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/fhir+json")
    bundle = response.json()
    Bundle.model_validate(bundle)
    assert bundle["type"] == "searchset"
    for entry in bundle.get("entry", []):
        model: Any = {"Task": Task, "ServiceRequest": ServiceRequest}[
            entry["resource"]["resourceType"]
        ]
        model.model_validate(entry["resource"])
        assert entry["fullUrl"].endswith(
            f"/{entry['resource']['resourceType']}/{entry['resource']['id']}"
        )
    return bundle


def ids(bundle: Any) -> list[str]:
    return [e["resource"]["id"] for e in bundle.get("entry", [])]


def next_link(bundle: Any) -> str | None:
    return next((link["url"] for link in bundle["link"] if link["relation"] == "next"), None)


def every_page(client: TestClient, url: str, headers: dict[str, str]) -> list[list[str]]:
    pages = []
    link: str | None = url
    while link:
        bundle = search(client, link, headers)
        pages.append(ids(bundle))
        link = next_link(bundle)
    return pages


@pytest.fixture
def three_tasks(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> Iterator[tuple[uuid.UUID, list[uuid.UUID], list[uuid.UUID]]]:
    coordinator = add_coordinator(uow_factory, pillar="TKSK", region=area.district)
    tasks = [routed_case(client, uow_factory, area) for _ in range(3)]
    yield coordinator, [t.id for t in tasks], [t.case_id for t in tasks]


def test_a_poller_pages_tasks_and_then_sees_only_what_changed(
    client: TestClient, three_tasks: tuple[uuid.UUID, list[uuid.UUID], list[uuid.UUID]]
) -> None:
    coordinator, task_ids, _ = three_tasks
    me = as_coordinator(coordinator)
    expected = [str(i) for i in task_ids]
    pages = every_page(client, "Task?_count=2", me)
    assert pages == [expected[:2], expected[2:]]
    everything = search(client, "Task", me)
    assert ids(everything) == expected and next_link(everything) is None
    last_seen = everything["entry"][-1]["resource"]["meta"]["lastUpdated"]
    assert ids(search(client, f"Task?_lastUpdated=gt{last_seen}", me)) == []
    assert ids(search(client, f"Task?_lastUpdated=ge{last_seen}", me)) == expected[-1:]

    accepted = client.post(
        f"/api/v1/referrals/{task_ids[0]}/actions/accept", json={"version": 1}, headers=me
    )
    assert accepted.status_code == 200, accepted.text
    changed = search(client, f"Task?_lastUpdated=gt{last_seen}", me)
    assert ids(changed) == expected[:1]
    assert changed["entry"][0]["resource"]["status"] == "accepted"
    # The same filters through the paging links, a '+' zone, a date's precision.
    assert every_page(client, "Task?status=requested&_count=1", me) == [
        [expected[1]],
        [expected[2]],
    ]
    assert ids(search(client, "Task?status=accepted,in-progress", me)) == expected[:1]
    by_owner = search(client, f"Task?owner=PractitionerRole/{coordinator}", me)
    assert ids(by_owner) == [*expected[1:], expected[0]]  # the accepted one changed last
    assert ids(search(client, f"Task?owner={uuid.uuid4()}", SUPERVISOR)) == []
    assert ids(search(client, "Task?_lastUpdated=lt2000-01-01T07:00:00%2B07:00", me)) == []
    assert len(ids(search(client, f"Task?_lastUpdated={last_seen[:10]}", me))) >= 1


def test_service_requests_are_searched_by_status_and_performer_within_the_scope(
    client: TestClient,
    uow_factory: UowFactory,
    three_tasks: tuple[uuid.UUID, list[uuid.UUID], list[uuid.UUID]],
    fresh_areas: Iterator[Area],
) -> None:
    coordinator, task_ids, case_ids = three_tasks
    me = as_coordinator(coordinator)
    expected = [f"{c}-tksk" for c in case_ids]
    assert every_page(client, "ServiceRequest?_count=2", me) == [expected[:2], expected[2:]]
    accepted = client.post(
        f"/api/v1/referrals/{task_ids[1]}/actions/accept", json={"version": 1}, headers=me
    )
    assert accepted.status_code == 200, accepted.text
    moved = search(client, "ServiceRequest?_count=2", me)
    assert ids(moved) == [expected[0], expected[2]]
    assert ids(search(client, "ServiceRequest?status=active", me)) == [
        expected[0],
        expected[2],
        expected[1],
    ]
    assert ids(search(client, "ServiceRequest?status=completed,revoked", me)) == []
    by_role = f"ServiceRequest?performer=PractitionerRole/{coordinator}"
    assert ids(search(client, by_role, SUPERVISOR))[-3:] == [expected[0], expected[2], expected[1]]
    assert ids(search(client, "ServiceRequest?performer=Organization/pillar-psm", me)) == []
    # A coordinator elsewhere finds none of them.
    other = add_coordinator(uow_factory, pillar="TKSK", region=next(fresh_areas).district)
    assert ids(search(client, "ServiceRequest", as_coordinator(other))) == []
    assert ids(search(client, "Task", as_coordinator(other))) == []


@pytest.mark.parametrize(
    "query",
    [
        "Task?patient=Patient/1",
        "Task?status=bogus",
        "Task?status:not=completed",
        "Task?_count=0",
        "Task?_count=many",
        "Task?_lastUpdated=yesterday",
        "Task?_lastUpdated=ap2026-01-01",
        "Task?_lastUpdated=2026-13-01",
        "Task?owner=Patient/1",
        "Task?_cursor=not-a-cursor",
        "Task?_cursor=WyJ4Il0",
        "Task?_format=xml",
        "Task?status=requested&status=accepted",
        "ServiceRequest?status=requested",
        "ServiceRequest?performer=Organization/nope",
        "ServiceRequest?owner=PractitionerRole/1",
    ],
)
def test_a_search_parameter_the_server_cannot_take_is_a_400_operation_outcome(
    client: TestClient, query: str
) -> None:
    response = client.get(f"{FHIR}/{query}", headers=SUPERVISOR)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/fhir+json")
    outcome = OperationOutcome.model_validate(response.json())
    assert outcome.issue[0].code == "invalid" and outcome.issue[0].diagnostics
