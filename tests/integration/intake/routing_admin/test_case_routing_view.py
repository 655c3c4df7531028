"""How a case was routed, as the API shows it. Coordinators live in Kalimantan Barat
(61.03) so the East Java demo directory and other tests cannot interfere."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from shared.db import UowFactory
from shared.domain.routing import rules as routing_rules
from shared.domain.routing.facts import Need
from shared.models import Case
from tests.integration.factories import add_coordinator, route, submit
from tests.integration.intake.conftest import SUPERVISOR, acting_as


@pytest.fixture(scope="module")
def client(client: TestClient) -> TestClient:
    """This module's requests are a national supervisor's."""
    return acting_as(client, SUPERVISOR)


def test_the_routing_view_shows_who_got_each_task_and_why_in_both_languages(
    client: TestClient, uow_factory: UowFactory
) -> None:
    tksk = add_coordinator(uow_factory, pillar="TKSK", region="61.03.01", name="Pak Yusuf")
    case_id = submit(
        uow_factory, category="FM", village="61.03.01.1001", needs=(Need.MEDICAL_COSTS,)
    )
    route(uow_factory, case_id)

    response = client.get(f"/api/v1/cases/{case_id}/routing")

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["case_id"], body["status"]) == (str(case_id), "open")
    assert [r["pillar"] for r in body["referrals"]] == ["TKSK", "CSR"]
    assigned = body["referrals"][0]
    assert {k: assigned[k] for k in ("pillar", "status", "flagged", "rule_id")} == {
        "pillar": "TKSK",
        "status": "requested",
        "flagged": False,
        "rule_id": "sick-poor",
    }
    assert assigned["coordinator"] == {
        "id": str(tksk),
        "name": "Pak Yusuf",
        "region_code": "61.03.01",
        "region_name": "Kapuas",
    }
    assert (assigned["start_level"], assigned["matched_level"], assigned["care"]) == (
        "district",
        "district",
        "community",
    )
    assert assigned["rules_version"] == routing_rules.load_default().version
    assert assigned["purpose"]["id"] and assigned["purpose"]["en"]
    assert "Dipilih: Pak Yusuf" in assigned["explanation"]["id"]["summary"]
    assert "Chosen: Pak Yusuf" in assigned["explanation"]["en"]["summary"]
    assert assigned["explanation"]["en"]["candidates"] == [
        "Pak Yusuf (61.03.01): chosen: least loaded (0/25)"
    ]
    assert uuid.UUID(assigned["id"])


def test_a_task_nobody_could_take_is_flagged_for_the_supervisors(
    client: TestClient, uow_factory: UowFactory
) -> None:
    case_id = submit(
        uow_factory, category="FM", village="61.03.01.1001", needs=(Need.MEDICAL_COSTS,)
    )
    route(uow_factory, case_id)

    referrals = client.get(f"/api/v1/cases/{case_id}/routing").json()["referrals"]

    [csr] = [r for r in referrals if r["pillar"] == "CSR"]
    assert (csr["status"], csr["flagged"], csr["coordinator"], csr["matched_level"]) == (
        "unassigned",
        True,
        None,
        None,
    )
    assert "antrean supervisor Sekber" in csr["explanation"]["id"]["summary"]
    assert "supervisors' queue" in csr["explanation"]["en"]["summary"]
    assert csr["explanation"]["id"]["candidates"] == []


def test_the_routing_view_finds_a_case_by_its_tracking_code(
    client: TestClient, uow_factory: UowFactory
) -> None:
    case_id = submit(uow_factory, category="KAT", village="61.03.02.2001")
    route(uow_factory, case_id)
    with uow_factory() as uow:
        code = uow.session.get_one(Case, case_id).tracking_code

    response = client.get(f"/api/v1/cases/{code.lower()}/routing")

    assert response.status_code == 200, response.text
    assert response.json()["case_id"] == str(case_id)
    assert [r["pillar"] for r in response.json()["referrals"]] == ["PSM"]


def test_a_case_not_yet_routed_has_no_referrals_to_show(
    client: TestClient, uow_factory: UowFactory
) -> None:
    case_id = submit(uow_factory, category="LUT", village="61.03.02.2001")

    body = client.get(f"/api/v1/cases/{case_id}/routing").json()

    assert (body["status"], body["referrals"]) == ("received", [])


def test_the_routing_view_of_an_unknown_case_is_404_naming_the_case(client: TestClient) -> None:
    for ref in (str(uuid.uuid4()), "SKB-NOPE-0000"):
        response = client.get(f"/api/v1/cases/{ref}/routing")
        assert response.status_code == 404
        [error] = response.json()["detail"]
        assert (error["field"], error["type"]) == ("case_ref", "not_found")
