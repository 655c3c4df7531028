"""The supervisors' queue: referrals nobody could take. No coordinator serves Kabupaten
Sintang (61.05) or Kapuas Hulu (61.06) in the tests, so their cases stay unassigned."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from shared.db import UowFactory
from shared.models import Case
from tests.integration.factories import route, submit
from tests.integration.intake.conftest import SUPERVISOR, acting_as


@pytest.fixture(scope="module")
def client(client: TestClient) -> TestClient:
    """This module's requests are a national supervisor's."""
    return acting_as(client, SUPERVISOR)


@pytest.fixture(scope="module")
def queued(uow_factory: UowFactory) -> list[uuid.UUID]:
    """Three unrouted cases, oldest first: two in Sintang, one in Kapuas Hulu."""
    cases = [
        submit(uow_factory, category="KAT", village="61.05.01.1001"),
        submit(uow_factory, category="LUT", village="61.05.02.2001"),
        submit(uow_factory, category="KAT", village="61.06.01.1001"),
    ]
    for case_id in cases:
        route(uow_factory, case_id)
    return cases


def test_the_queue_of_a_regency_lists_its_unassigned_referrals_newest_first(
    client: TestClient, uow_factory: UowFactory, queued: list[uuid.UUID]
) -> None:
    response = client.get("/api/v1/referrals/unassigned", params={"region": "61.05"})

    assert response.status_code == 200, response.text
    items = response.json()
    assert [i["case_id"] for i in items] == [str(queued[1]), str(queued[0])]
    with uow_factory() as uow:
        tracking = uow.session.get_one(Case, queued[1]).tracking_code
    newest = items[0]
    assert {k: newest[k] for k in ("tracking_code", "category", "urgency", "pillar")} == {
        "tracking_code": tracking,
        "category": "LUT",
        "urgency": "high",
        "pillar": "TKSK",
    }
    assert (newest["village_code"], newest["village_name"]) == ("61.05.02.2001", "Nanga Tempunak")
    assert newest["purpose"]["id"] and newest["purpose"]["en"]
    assert uuid.UUID(newest["referral_id"]) and newest["created_at"]


def test_the_queue_of_a_province_holds_every_regency_below_it(
    client: TestClient, queued: list[uuid.UUID]
) -> None:
    items = client.get("/api/v1/referrals/unassigned", params={"region": "61"}).json()

    assert {str(c) for c in queued} <= {i["case_id"] for i in items}


def test_the_queue_of_a_kecamatan_or_a_village_holds_only_its_own(
    client: TestClient, queued: list[uuid.UUID]
) -> None:
    for region in ("61.06.01", "61.06.01.1001"):
        items = client.get("/api/v1/referrals/unassigned", params={"region": region}).json()
        assert [i["case_id"] for i in items] == [str(queued[2])]


def test_the_queue_is_cut_at_the_limit(client: TestClient, queued: list[uuid.UUID]) -> None:
    items = client.get(
        "/api/v1/referrals/unassigned", params={"region": "61.05", "limit": 1}
    ).json()

    assert [i["case_id"] for i in items] == [str(queued[1])]


def test_assigned_referrals_are_not_in_the_queue(client: TestClient) -> None:
    items = client.get("/api/v1/referrals/unassigned", params={"limit": 500}).json()

    assert items
    assert all(i["pillar"] and i["tracking_code"] for i in items)
    created = [i["created_at"] for i in items]
    assert created == sorted(created, reverse=True)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"region": "61.5"}, "region"),
        ({"region": "Sintang"}, "region"),
        ({"region": "61.05."}, "region"),
        ({"region": "61.05.01.1001.1"}, "region"),
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
        ({"limit": "many"}, "limit"),
    ],
)
def test_a_malformed_filter_is_refused_naming_it(
    client: TestClient, params: dict[str, object], field: str
) -> None:
    response = client.get("/api/v1/referrals/unassigned", params=params)

    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["detail"]] == [field]
