"""Bad input gets a 4xx naming the field and the problem, and stores nothing."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from shared.db import UowFactory
from tests.integration.intake.conftest import counts, referral


def with_beneficiary(**fields: Any) -> dict[str, Any]:
    base = referral()
    base["beneficiary"] = {**base["beneficiary"], **fields}
    return base


def without(field: str) -> dict[str, Any]:
    body = referral()
    del body[field]
    return body


CASES: list[tuple[str, dict[str, Any], str, str]] = [
    ("unknown category", referral(category="XYZ"), "category", "unknown PPKS category"),
    ("unknown village", referral(village_code="35.08.01.2999"), "village_code", "unknown desa"),
    (
        "kecamatan instead of village",
        referral(village_code="35.08.01"),
        "village_code",
        "desa/kelurahan code",
    ),
    ("garbage village", referral(village_code="Lumajang"), "village_code", "desa/kelurahan"),
    ("short NIK", with_beneficiary(nik="35080142"), "beneficiary.nik", "16 digits"),
    ("NIK with letters", with_beneficiary(nik="35080142034800AB"), "beneficiary.nik", "16 digits"),
    ("NIK with month 13", with_beneficiary(nik="3508014213480001"), "beneficiary.nik", "month"),
    ("NIK with day 35", with_beneficiary(nik="3508013503480001"), "beneficiary.nik", "day"),
    ("NIK with serial 0000", with_beneficiary(nik="3508014203480000"), "beneficiary.nik", "serial"),
    (
        "NIK with no province",
        with_beneficiary(nik="9908014203480001"),
        "beneficiary.nik",
        "province",
    ),
    (
        "future birth date",
        with_beneficiary(birth_date="2999-01-01"),
        "beneficiary.birth_date",
        "past",
    ),
    ("bad sex", with_beneficiary(sex="X"), "beneficiary.sex", "'F' or 'M'"),
    ("missing category", without("category"), "category", "Field required"),
    ("missing beneficiary", without("beneficiary"), "beneficiary", "Field required"),
    ("missing reporter", without("reporter"), "reporter", "Field required"),
    ("urgency not in the list", referral(urgency="asap"), "urgency", "emergency"),
    ("urgency of wrong type", referral(urgency=3), "urgency", "emergency"),
    ("description of wrong type", referral(description=["a"]), "description", "string"),
    ("empty beneficiary name", with_beneficiary(name="  "), "beneficiary.name", "at least 1"),
    ("unexpected field", referral(priority="high"), "priority", "Extra inputs"),
    (
        "bad reporter phone",
        referral(reporter={"name": "A", "phone": "call me"}),
        "reporter.phone",
        "pattern",
    ),
]


@pytest.mark.parametrize(("label", "body", "field", "message"), CASES, ids=[c[0] for c in CASES])
def test_bad_referral_is_refused_naming_the_field(
    client: TestClient,
    uow_factory: UowFactory,
    label: str,
    body: dict[str, Any],
    field: str,
    message: str,
) -> None:
    before = counts(uow_factory)
    response = client.post("/api/v1/referrals", json=body)
    assert response.status_code == 422, response.text
    errors = response.json()["detail"]
    assert any(e["field"] == field and message in e["msg"] for e in errors), errors
    assert counts(uow_factory) == before


def test_a_body_that_is_not_json_is_refused(client: TestClient, uow_factory: UowFactory) -> None:
    before = counts(uow_factory)
    response = client.post(
        "/api/v1/referrals", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "json_invalid"
    assert counts(uow_factory) == before


def test_an_oversized_body_is_refused_before_it_is_read(
    client: TestClient, uow_factory: UowFactory
) -> None:
    before = counts(uow_factory)
    response = client.post("/api/v1/referrals", json=referral(description="x" * 100_000))
    assert response.status_code == 413
    assert response.json()["detail"][0]["field"] == "body"
    assert counts(uow_factory) == before


def test_an_oversized_chunked_body_is_refused(client: TestClient, uow_factory: UowFactory) -> None:
    before = counts(uow_factory)

    def chunks() -> Any:
        for _ in range(100):
            yield b"x" * 1024

    response = client.post(
        "/api/v1/referrals", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert counts(uow_factory) == before


def test_error_answers_do_not_echo_personal_data(client: TestClient) -> None:
    response = client.post("/api/v1/referrals", json=with_beneficiary(nik="3508014213480001"))
    assert response.status_code == 422
    assert "3508014213480001" not in response.text
    assert "Mbah Sarmi" not in response.text


def test_a_malformed_idempotency_key_is_refused(client: TestClient) -> None:
    response = client.post(
        "/api/v1/referrals", json=referral(), headers={"Idempotency-Key": "x" * 200}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "Idempotency-Key"
