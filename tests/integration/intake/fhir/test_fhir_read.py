"""Reading referrals through FHIR R4 the way a health or social system does: the
CapabilityStatement, a Task, its ServiceRequest and Patient, the directory and the
regions, each validated against the fhir.resources R4B models; the Task's status following
the life cycle; the NIK as each role may see it; refusals as OperationOutcome."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.location import Location
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.practitionerrole import PractitionerRole
from fhir.resources.R4B.servicerequest import ServiceRequest
from fhir.resources.R4B.task import Task
from sqlalchemy import update

from services.intake.fhir import codes
from shared.db import UowFactory
from shared.domain.lifecycle import State
from shared.models import Referral
from tests.integration.factories import add_coordinator, route
from tests.integration.intake.conftest import (
    ANONYMOUS,
    SENDER,
    SUPERVISOR,
    Area,
    as_coordinator,
    referral,
    routed_case,
    tasks_of,
)
from tests.support.auth import headers_for

FHIR = "/fhir/r4"
NIK = "3508014203480001"
MODELS: dict[str, Any] = {
    "Task": Task,
    "ServiceRequest": ServiceRequest,
    "Patient": Patient,
    "Organization": Organization,
    "PractitionerRole": PractitionerRole,
    "Location": Location,
    "CapabilityStatement": CapabilityStatement,
    "OperationOutcome": OperationOutcome,
}
# http://hl7.org/fhir/R4/valueset-task-status.html, valueset-request-status.html
STATUSES = {
    "Task": {
        "draft", "requested", "received", "accepted", "rejected", "ready", "cancelled",
        "in-progress", "on-hold", "failed", "completed", "entered-in-error",
    },
    "ServiceRequest": {
        "draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown",
    },
}  # fmt: skip


def read(client: TestClient, path: str, headers: dict[str, str], status: int = 200) -> Any:
    """GET a FHIR path; the answer is application/fhir+json and a valid R4 resource."""
    response = client.get(f"{FHIR}/{path}", headers=headers)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/fhir+json")
    body = response.json()
    MODELS[body["resourceType"]].model_validate(body)
    # The models leave code values unchecked: the status against its value set.
    if body["resourceType"] in STATUSES:
        assert body["status"] in STATUSES[body["resourceType"]]
    return body


def refused(client: TestClient, path: str, headers: dict[str, str], status: int) -> str:
    body = read(client, path, headers, status)
    assert body["resourceType"] == "OperationOutcome"
    return str(body["issue"][0]["code"])


@pytest.fixture
def tksk(uow_factory: UowFactory, area: Area) -> Iterator[uuid.UUID]:
    yield add_coordinator(uow_factory, pillar="TKSK", region=area.district, name="Pak Darto")


def test_the_capability_statement_is_read_without_credentials(client: TestClient) -> None:
    statement = read(client, "metadata", ANONYMOUS)
    assert statement["fhirVersion"] == "4.0.1"
    kinds = {r["type"]: r for r in statement["rest"][0]["resource"]}
    assert set(kinds) == {
        "Task",
        "ServiceRequest",
        "Patient",
        "Organization",
        "PractitionerRole",
        "Location",
    }
    assert {p["name"] for p in kinds["Task"]["searchParam"]} == {"status", "owner", "_lastUpdated"}


def test_a_consumer_reads_a_task_and_its_request_and_sees_the_task_accepted(
    client: TestClient, uow_factory: UowFactory, area: Area, tksk: uuid.UUID
) -> None:
    me = as_coordinator(tksk)
    needs = ["health_insurance", "medical_costs"]
    body = referral(village_code=area.village, beneficiary={"name": "Mbah Sarmi"}, needs=needs)
    created = client.post("/api/v1/referrals", json=body, headers=SENDER)
    assert created.status_code == 201, created.text
    route(uow_factory, uuid.UUID(created.json()["case_id"]))
    tasks = tasks_of(uow_factory, uuid.UUID(created.json()["case_id"]))
    t = next(t for t in tasks if t.pillar_code == "TKSK")
    task = read(client, f"Task/{t.id}", me)
    assert (task["status"], task["intent"], task["priority"]) == ("requested", "order", "urgent")
    assert task["for"] == {"reference": f"Patient/{t.case_id}"}
    assert task["owner"]["reference"] == f"PractitionerRole/{tksk}"
    assert task["restriction"]["period"]["end"] and "businessStatus" not in task
    assert [i["type"]["coding"][0]["code"] for i in task["input"]] == ["accept"]
    request = read(client, task["focus"]["reference"], me)
    assert request["id"] == f"{t.case_id}-tksk"
    assert (request["status"], request["intent"]) == ("active", "order")
    assert request["subject"] == task["for"]
    assert request["requester"]["display"] == "Puskesos Desa Tegalrejo"
    assert request["performer"][0]["reference"] == "Organization/pillar-tksk"
    categories = [
        (c["coding"][0]["system"].rsplit("/", 1)[-1], c["coding"][0]["code"])
        for c in request["category"]
    ]
    assert categories == [
        ("SDOHCC-CodeSystemTemporaryCodes", "health-insurance-coverage-status"),
        ("SDOHCC-CodeSystemTemporaryCodes", "medical-cost-burden"),
        ("ppks-category", "LUT"),
    ]
    assert request["code"]["coding"][0]["code"] == "health_insurance"
    assert [d["coding"][0]["code"] for d in request["orderDetail"]] == ["medical_costs"]
    assert request["reasonCode"][0]["coding"][0]["code"] == "LUT"

    accepted = client.post(
        f"/api/v1/referrals/{t.id}/actions/accept", json={"version": 1}, headers=me
    )
    assert accepted.status_code == 200, accepted.text
    after = read(client, f"Task/{t.id}", me)
    assert (after["status"], after["meta"]["versionId"]) == ("accepted", "2")
    assert after["meta"]["lastUpdated"] > task["meta"]["lastUpdated"]
    assert after["executionPeriod"]["start"]
    assert [i["type"]["coding"][0]["code"] for i in after["input"]] == ["accept", "first_contact"]
    assert read(client, task["focus"]["reference"], me)["status"] == "active"
    # The directory behind the references.
    role = read(client, after["owner"]["reference"], me)
    assert role["organization"]["reference"] == "Organization/pillar-tksk"
    assert read(client, "Organization/pillar-tksk", me)["identifier"][0]["value"] == "TKSK"
    place = read(client, role["location"][0]["reference"], me)
    assert place["id"] == area.district and place["partOf"]["reference"] == (
        "Location/" + area.district.rsplit(".", 1)[0]
    )


# Each state: the Task's status and business status, its request's status, and what a
# reason or an outcome adds.
STATES = [
    (State.ROUTING, "requested", True, "active"),
    (State.UNASSIGNED, "requested", True, "active"),
    (State.REQUESTED, "requested", False, "active"),
    (State.ACCEPTED, "accepted", False, "active"),
    (State.IN_PROGRESS, "in-progress", False, "active"),
    (State.ON_HOLD, "on-hold", False, "on-hold"),
    (State.REJECTED, "rejected", False, "revoked"),
    (State.CANCELLED, "cancelled", False, "revoked"),
    (State.COMPLETED, "completed", False, "completed"),
    (State.FAILED, "failed", False, "revoked"),
    (State.ENTERED_IN_ERROR, "entered-in-error", False, "entered-in-error"),
]


@pytest.mark.parametrize(("state", "status", "business", "request_status"), STATES)
def test_every_state_reads_as_a_valid_task_and_request(
    client: TestClient,
    uow_factory: UowFactory,
    area: Area,
    tksk: uuid.UUID,
    state: State,
    status: str,
    business: bool,
    request_status: str,
) -> None:
    t = routed_case(client, uow_factory, area)
    reason = "no_capacity" if state in (State.ON_HOLD, State.REJECTED, State.CANCELLED) else None
    outcome = "service_given" if state is State.COMPLETED else None
    with uow_factory() as uow:
        uow.session.execute(
            update(Referral)
            .where(Referral.id == t.id)
            .values(status=state.value, reason_code=reason, outcome_code=outcome)
        )
        uow.commit()
    task = read(client, f"Task/{t.id}", SUPERVISOR)
    assert task["status"] == status
    assert ("businessStatus" in task) is business
    if business:
        assert task["businessStatus"]["coding"][0]["code"] == state.value
    assert task.get("statusReason", {}).get("coding", [{}])[0].get("code") == reason
    outputs = [o["valueCodeableConcept"]["coding"][0]["code"] for o in task.get("output", [])]
    assert outputs == ([outcome] if outcome else [])
    assert read(client, task["focus"]["reference"], SUPERVISOR)["status"] == request_status


def test_the_patient_shows_the_nik_and_name_as_each_role_may_see_them(
    client: TestClient, uow_factory: UowFactory, area: Area, tksk: uuid.UUID
) -> None:
    t = routed_case(client, uow_factory, area, name="Siti Aminah")
    path = f"Patient/{t.case_id}"
    served = read(client, path, as_coordinator(tksk))
    assert served["identifier"] == [{"use": "official", "system": codes.NIK, "value": NIK}]
    assert served["name"][0]["text"] == "Siti Aminah" and "security" not in served["meta"]
    reported = read(client, path, SENDER)
    assert reported["identifier"][0]["value"] == "350801******0001"
    assert reported["name"][0]["text"] == "Siti Aminah"
    tracked = read(client, path, SUPERVISOR)
    assert tracked["identifier"][0]["value"] == "350801******0001"
    assert tracked["name"][0]["text"] == "S.A." and "birthDate" not in tracked
    assert tracked["meta"]["security"][0]["code"] == "MASKED"
    # The address as SATUSEHAT writes it: the Kemendagri codes, without dots.
    [address] = served["address"]
    [extension] = address["extension"]
    assert extension["url"] == codes.ADMINISTRATIVE_CODE
    village = area.village.replace(".", "")
    assert [(e["url"], e["valueCode"]) for e in extension["extension"]] == [
        ("province", village[:2]),
        ("city", village[:4]),
        ("district", village[:6]),
        ("village", village),
    ]
    assert address["country"] == "ID" and address["city"] and address["district"]


def test_refusals_are_operation_outcomes_and_api_v1_keeps_its_own(
    client: TestClient,
    uow_factory: UowFactory,
    area: Area,
    tksk: uuid.UUID,
    fresh_areas: Iterator[Area],
) -> None:
    t = routed_case(client, uow_factory, area)
    elsewhere = next(fresh_areas)
    stranger = as_coordinator(
        add_coordinator(uow_factory, pillar="TKSK", region=elsewhere.district)
    )
    for path in (f"Task/{t.id}", f"Patient/{t.case_id}", f"ServiceRequest/{t.case_id}-tksk"):
        assert refused(client, path, stranger, 404) == "not-found"
        assert refused(client, path, ANONYMOUS, 401) == "login"
        csr = headers_for("csr", "csr-forum", jurisdiction="35")
        assert refused(client, path, csr, 403) == "forbidden"
    for path in (
        f"Task/{uuid.uuid4()}",
        "Task/not-an-id",
        f"ServiceRequest/{t.case_id}-nopillar",
        "Organization/pillar-nope",
        f"PractitionerRole/{uuid.uuid4()}",
        "Location/99.99",
        "Observation/1",
    ):
        assert refused(client, path, SUPERVISOR, 404) == "not-found"
    wrong_method = client.post(f"{FHIR}/Task", headers=SUPERVISOR)
    assert wrong_method.status_code == 405 and "GET" in wrong_method.headers["Allow"]
    OperationOutcome.model_validate(wrong_method.json())
    unauthenticated = client.get(f"{FHIR}/Task", headers=ANONYMOUS)
    assert unauthenticated.headers["WWW-Authenticate"] == "Bearer"
    # /api/v1 answers as before.
    plain = client.get(f"/api/v1/cases/{uuid.uuid4()}", headers=SUPERVISOR)
    assert plain.status_code == 404 and plain.headers["content-type"] == "application/json"
    assert plain.json()["detail"][0]["type"] == "not_found"
