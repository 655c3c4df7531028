from __future__ import annotations

import uuid

from fastapi.testclient import TestClient
from sqlalchemy import select

from shared.db import UowFactory
from shared.models import Case, CaseEvent, OutboxEvent
from tests.integration.intake.conftest import counts, referral


def test_a_referral_is_stored_with_its_event_before_the_answer(
    client: TestClient, uow_factory: UowFactory
) -> None:
    response = client.post("/api/v1/referrals", json=referral())
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "received"
    assert body["tracking_code"].startswith("SKB-")
    assert response.headers["Location"] == f"/api/v1/cases/{body['case_id']}"
    case_id = uuid.UUID(body["case_id"])
    with uow_factory() as uow:
        case = uow.session.get_one(Case, case_id)
        event = uow.session.scalars(select(OutboxEvent).where(OutboxEvent.case_id == case_id)).one()
        entries = uow.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id)).all()
    assert case.beneficiary_nik == "3508014203480001"
    assert event.event_type == "CaseReceived"
    assert event.envelope["payload"] == {"case_id": str(case_id)}
    assert event.envelope["correlation_id"] == case.correlation_id
    assert [e.kind for e in entries] == ["case_received"]


def test_a_person_without_a_nik_can_still_be_referred(client: TestClient) -> None:
    body = referral(category="GEL", beneficiary={"name": "Tanpa identitas"})
    response = client.post("/api/v1/referrals", json=body)
    assert response.status_code == 201, response.text


def test_the_same_idempotency_key_twice_gives_one_case(
    client: TestClient, uow_factory: UowFactory
) -> None:
    key = f"retry-{uuid.uuid4()}"
    first = client.post("/api/v1/referrals", json=referral(), headers={"Idempotency-Key": key})
    before = counts(uow_factory)
    second = client.post("/api/v1/referrals", json=referral(), headers={"Idempotency-Key": key})
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json() == second.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert counts(uow_factory) == before


def test_an_idempotency_key_reused_for_another_referral_is_refused(
    client: TestClient, uow_factory: UowFactory
) -> None:
    key = f"reuse-{uuid.uuid4()}"
    assert (
        client.post(
            "/api/v1/referrals", json=referral(), headers={"Idempotency-Key": key}
        ).status_code
        == 201
    )
    before = counts(uow_factory)
    response = client.post(
        "/api/v1/referrals", json=referral(urgency="low"), headers={"Idempotency-Key": key}
    )
    assert response.status_code == 409
    assert response.json()["detail"][0]["field"] == "Idempotency-Key"
    assert counts(uow_factory) == before


def test_a_case_is_found_by_id_and_by_tracking_code(client: TestClient) -> None:
    created = client.post("/api/v1/referrals", json=referral()).json()
    by_id = client.get(f"/api/v1/cases/{created['case_id']}")
    by_code = client.get(f"/api/v1/cases/{created['tracking_code'].lower()}")
    assert by_id.status_code == by_code.status_code == 200
    case = by_id.json()
    assert case == by_code.json()
    assert case["beneficiary"]["nik_masked"] == "350801******0001"
    assert "3508014203480001" not in by_id.text
    assert case["place"] == {
        "village_code": "35.08.01.2001",
        "village": "Tegalrejo",
        "kecamatan": "Tempursari",
        "kab_kota": "Kabupaten Lumajang",
    }
    assert case["category"]["name_id"] == "Lanjut Usia Terlantar"
    assert [e["kind"] for e in case["timeline"]] == ["case_received"]


def test_an_unknown_case_is_404(client: TestClient) -> None:
    assert client.get(f"/api/v1/cases/{uuid.uuid4()}").status_code == 404
    assert client.get("/api/v1/cases/SKB-0000-NOPE00").status_code == 404
