"""Hostile text and malformed bodies, on every kind of input: a 4xx naming the field, the
same on SQLite and PostgreSQL, and nothing stored (the free-text rule of
shared/domain/text.py, applied by services/intake/edge/textguard.py)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from shared.db import UowFactory
from shared.models import Case
from tests.integration.intake.conftest import ADMIN, ANONYMOUS, counts, referral
from tests.integration.intake.referrals.test_web_pages import WORKER, form

HOSTILE = {
    "NUL": "\x00",
    "ESC": "\x1b[31m",
    "DEL": "\x7f",
    "NEL": "\x85",
    "CSI": "\x9b",
    "RLO": "\u202e",
    "LRI": "\u2066",
}
FIELDS = {
    "description": ("description",),
    "beneficiary.name": ("beneficiary", "name"),
    "reporter.name": ("reporter", "name"),
    "reporter.organisation": ("reporter", "organisation"),
    "reporter.email": ("reporter", "email"),
    "reporter.phone": ("reporter", "phone"),
}


def with_value(path: tuple[str, ...], value: str) -> dict[str, Any]:
    body = referral()
    target = body
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = f"Mbah{value}Sarmi"
    return body


def assert_names(response: Any, status: int, field: str, words: str = "") -> None:
    assert response.status_code == status, response.text
    errors = response.json()["detail"]
    assert [e["field"] for e in errors] == [field], errors
    assert words in errors[0]["msg"], errors


@pytest.mark.parametrize("char", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize("field", FIELDS)
def test_a_control_or_direction_character_in_any_referral_field_is_refused_by_name(
    client: TestClient, uow_factory: UowFactory, field: str, char: str
) -> None:
    before = counts(uow_factory)
    response = client.post("/api/v1/referrals", json=with_value(FIELDS[field], char))
    assert_names(response, 422, field, f"U+{ord(char[0]):04X}")
    assert counts(uow_factory) == before


def test_a_lone_surrogate_is_refused_like_a_control_character(
    client: TestClient, uow_factory: UowFactory
) -> None:
    before = counts(uow_factory)
    raw = json.dumps(referral()).replace("Mbah Sarmi", "Mbah \\ud800 Sarmi")
    response = client.post(
        "/api/v1/referrals", content=raw, headers={"Content-Type": "application/json"}
    )
    assert_names(response, 422, "beneficiary.name", "U+D800")
    assert counts(uow_factory) == before


def test_ordinary_text_is_stored_in_nfc_with_its_line_breaks(
    client: TestClient, uow_factory: UowFactory
) -> None:
    body = referral(description="Baris satu\n\tbaris dua, Jose\u0301 \U0001f469\u200d\U0001f467")
    body["beneficiary"]["name"] = "Jose\u0301 Sarmi"
    response = client.post("/api/v1/referrals", json=body)
    assert response.status_code == 201, response.text
    with uow_factory() as uow:
        case = uow.session.scalars(
            select(Case).where(Case.id == uuid.UUID(response.json()["case_id"]))
        ).one()
        assert case.description == "Baris satu\n\tbaris dua, Jos\u00e9 \U0001f469\u200d\U0001f467"
        assert case.beneficiary_name == "Jos\u00e9 Sarmi"


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/cases/a%00b", "case_ref"),
        ("/api/v1/cases/a%1Bb/routing", "case_ref"),
        ("/api/v1/admin/audit?object_id=a%00b", "object_id"),
        ("/api/v1/admin/audit?actor=%E2%80%AEnimda", "actor"),
        ("/api/v1/referrals/unassigned?region=35%00", "region"),
        ("/api/v1/dashboard/summary?to=0", "to"),
    ],
)
def test_path_and_query_parameters_pass_the_same_rule(
    client: TestClient, path: str, field: str
) -> None:
    assert_names(client.get(path, headers=ADMIN), 422, field)


def test_a_stored_header_passes_the_rule(client: TestClient, uow_factory: UowFactory) -> None:
    before = counts(uow_factory)
    response = client.post(
        "/api/v1/referrals", json=referral(), headers={"Idempotency-Key": "key\x1bx"}
    )
    assert_names(response, 422, "Idempotency-Key", "U+001B")
    assert counts(uow_factory) == before


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        (b'{"category": "LUT", "category": "FM"}', "category", "twice"),
        (b'{"beneficiary": {"name": "a", "name": "b"}}', "beneficiary.name", "twice"),
        (b'{"description": "\xff\xfe"}', "body", "UTF-8"),
        (b'{"description": ', "body", "line 1 column"),
        (b"[" * 2000 + b"]" * 2000, "body", "nested deeper"),
        (b'{"a":' * 40 + b"1" + b"}" * 40, ".".join(["a"] * 32), "nested deeper"),
        (b'{"version": ' + b"9" * 5000 + b"}", "version", "digits"),
        (b'{"version": 1e999}', "version", "out of range"),
        (b'{"version": NaN}', "version", "not a JSON number"),
        (b'{"na\\u0000me": 1}', "na\\u0000me", "U+0000"),
    ],
)
def test_malformed_json_is_refused_with_the_field_or_the_place_named(
    client: TestClient, uow_factory: UowFactory, body: bytes, field: str, words: str
) -> None:
    before = counts(uow_factory)
    response = client.post(
        "/api/v1/referrals", content=body, headers={"Content-Type": "application/json"}
    )
    assert_names(response, 422, field, words)
    assert counts(uow_factory) == before


def test_a_body_that_is_not_json_gets_415(client: TestClient) -> None:
    response = client.post(
        "/api/v1/referrals", content=b"category=LUT", headers={"Content-Type": "text/plain"}
    )
    assert_names(response, 415, "Content-Type", "application/json")


def test_the_token_endpoint_refuses_a_nul_in_the_username_and_a_json_body(
    client: TestClient,
) -> None:
    response = client.post(
        "/api/v1/auth/token", data={"username": "a\x00b", "password": "x"}, headers=ANONYMOUS
    )
    assert_names(response, 422, "username", "U+0000")
    response = client.post(
        "/api/v1/auth/token", json={"username": "a", "password": "b"}, headers=ANONYMOUS
    )
    assert_names(response, 415, "Content-Type")


def test_a_page_form_with_a_control_character_answers_a_page_naming_the_field(
    client: TestClient, uow_factory: UowFactory
) -> None:
    before = counts(uow_factory)
    page = client.post(
        "/rujukan/baru",
        data=form(description="Lansia\x00 sendiri"),
        headers=WORKER,
        follow_redirects=False,
    )
    assert page.status_code == 422
    assert "text/html" in page.headers["content-type"]
    assert "description: control character U+0000 not allowed" in page.text
    assert counts(uow_factory) == before
    signin = client.post(
        "/masuk", data={"username": "petugas\u202e", "password": "x"}, headers=ANONYMOUS
    )
    assert signin.status_code == 422
    assert "username: right-to-left override" in signin.text


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PATCH", "/api/v1/me/notification-preferences", "GET, HEAD, PUT"),
        ("DELETE", "/api/v1/routing/rules", "GET, HEAD, PUT"),
        ("PUT", "/masuk", "GET, HEAD, POST"),
        ("DELETE", "/api/v1/referrals", "POST"),
    ],
)
def test_a_method_the_path_does_not_take_gets_405_listing_all_it_takes(
    client: TestClient, method: str, path: str, allow: str
) -> None:
    response = client.request(method, path)
    assert_names(response, 405, "method")
    assert response.headers["Allow"] == allow


def test_an_unknown_path_gets_404_in_the_same_shape(client: TestClient) -> None:
    assert_names(client.get("/api/v1/nothing-here"), 404, "path")


def test_a_refused_key_is_echoed_escaped_so_the_answer_always_encodes(
    client: TestClient,
) -> None:
    raw = json.dumps(referral()).replace('"name": "Mbah Sarmi"', '"na\\ud800me": "x"')
    response = client.post(
        "/api/v1/referrals", content=raw, headers={"Content-Type": "application/json"}
    )
    assert_names(response, 422, "beneficiary.na\\ud800me", "U+D800")


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/cases/SKB-%ED%A0%80", "case_ref"),
        ("/api/v1/cases/SKB-%FF/routing", "case_ref"),
        ("/api/v1/admin/audit?object_id=x%FF", "object_id"),
    ],
)
def test_bytes_that_are_not_utf8_in_a_path_or_query_are_refused(
    client: TestClient, path: str, field: str
) -> None:
    assert_names(client.get(path, headers=ADMIN), 422, field, "UTF-8")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("reporter.organisation", "Puskesos\nTegalrejo"),
        ("reporter.name", "Siti\u2028Aminah"),
        ("beneficiary.name", "Mbah\u2029Sarmi"),
        ("reporter.email", "siti\uff11@example.org"),
    ],
)
def test_single_line_fields_refuse_line_breaks_and_addresses_stay_ascii(
    client: TestClient, uow_factory: UowFactory, field: str, value: str
) -> None:
    before = counts(uow_factory)
    body = with_value(FIELDS[field], "")
    part, name = FIELDS[field]
    body[part][name] = value
    assert_names(client.post("/api/v1/referrals", json=body), 422, field)
    assert counts(uow_factory) == before


def test_json_in_another_charset_and_a_page_form_sent_as_text_get_415(
    client: TestClient, uow_factory: UowFactory
) -> None:
    before = counts(uow_factory)
    response = client.post(
        "/api/v1/referrals",
        content=json.dumps(referral()).encode(),
        headers={"Content-Type": "application/json; charset=latin-1"},
    )
    assert_names(response, 415, "Content-Type")
    page = client.post(
        "/rujukan/baru",
        content="category=LUT&description=x",
        headers={**WORKER, "Content-Type": "text/plain"},
        follow_redirects=False,
    )
    assert page.status_code == 415
    assert counts(uow_factory) == before


def test_rule_sets_refuse_escaped_control_characters_deep_nesting_and_huge_numbers(
    client: TestClient,
) -> None:
    rules = client.get("/api/v1/routing/rules", headers=ADMIN).json()["text"]
    toml = {"Content-Type": "application/toml"}
    for bad, words in [
        (rules.replace('purpose_en = "', 'purpose_en = "\\u0000', 1), "U+0000"),
        ("x = " + "[" * 1000 + "]" * 1000, "nested"),
        ("version = " + "9" * 5000, "digits"),
        (rules.replace('version = "', 'version = "' + "v" * 100, 1), "longer than 60"),
    ]:
        response = client.put("/api/v1/routing/rules", content=bad, headers={**ADMIN, **toml})
        assert_names(response, 422, "rules", words)
        simulated = client.post(
            "/api/v1/routing/simulate",
            json={
                "case": {"category": "LUT", "village_code": "35.08.01.2001", "urgency": "high"},
                "rules": bad,
            },
            headers=ADMIN,
        )
        assert simulated.status_code == 422, simulated.text
