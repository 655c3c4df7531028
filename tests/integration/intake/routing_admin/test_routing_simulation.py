"""A routing simulation decides like the worker and stores nothing. Coordinators live in
Kalimantan Barat (61.01) so the East Java demo directory cannot interfere."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from shared.db import UowFactory
from shared.domain.routing import rules as routing_rules
from shared.models import Base, Coordinator
from tests.integration.factories import ELDERLY_TO_PSM, add_coordinator, draft_rules
from tests.integration.intake.conftest import SUPERVISOR, acting_as


@pytest.fixture(scope="module")
def client(client: TestClient) -> TestClient:
    """This module's requests are a national supervisor's."""
    return acting_as(client, SUPERVISOR)


def case(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "category": "LUT",
        "village_code": "61.01.01.2001",
        "urgency": "high",
        "needs": [],
    }
    body.update(overrides)
    return body


def row_counts(uow_factory: UowFactory) -> dict[str, int]:
    with uow_factory() as uow:
        return {
            table.name: uow.session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }


@pytest.fixture(scope="module")
def tksk(uow_factory: UowFactory) -> str:
    return str(add_coordinator(uow_factory, pillar="TKSK", region="61.01.01", name="Bu Ratna"))


def test_a_simulation_under_the_active_rules_picks_the_coordinator_routing_would(
    client: TestClient, tksk: str
) -> None:
    response = client.post("/api/v1/routing/simulate", json={"case": case()})

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["draft"], body["rules_version"]) == (False, routing_rules.load_default().version)
    [decision] = body["decisions"]
    assert (decision["pillar"], decision["rule_id"], decision["flagged"]) == (
        "TKSK",
        "elderly",
        False,
    )
    assert decision["coordinator"]["id"] == tksk
    assert decision["matched_level"] == "district"
    assert "Dipilih: Bu Ratna" in decision["explanation"]["id"]["summary"]
    assert "Chosen: Bu Ratna" in decision["explanation"]["en"]["summary"]
    assert "id" not in decision and "status" not in decision


def test_a_simulation_under_a_draft_shows_the_draft_decision(client: TestClient) -> None:
    draft = draft_rules("sim-draft-1", extra=ELDERLY_TO_PSM)

    body = client.post("/api/v1/routing/simulate", json={"case": case(), "rules": draft}).json()

    assert (body["draft"], body["rules_version"]) == (True, "sim-draft-1")
    [decision] = body["decisions"]
    assert (decision["pillar"], decision["rule_id"]) == ("PSM", "elderly-psm")
    assert (decision["flagged"], decision["coordinator"]) == (True, None)
    assert decision["purpose"] == {
        "id": "Pendampingan lansia oleh PSM desa",
        "en": "Support for the elderly person by the village PSM",
    }


def test_a_simulation_with_several_needs_gives_one_decision_per_task(
    client: TestClient, tksk: str
) -> None:
    body = client.post(
        "/api/v1/routing/simulate",
        json={"case": case(category="FM", needs=["medical_costs", "housing"])},
    ).json()

    assert [(d["pillar"], d["rule_id"]) for d in body["decisions"]] == [
        ("TKSK", "sick-poor"),
        ("CSR", "sick-poor"),
    ]


def test_a_simulation_stores_nothing_and_assigns_nobody(
    client: TestClient, uow_factory: UowFactory, tksk: str
) -> None:
    before = row_counts(uow_factory)

    for body in (
        {"case": case()},
        {"case": case(), "rules": draft_rules(extra=ELDERLY_TO_PSM)},
        {"case": case(nik="6101014203480001", needs=["residential_care"])},
    ):
        assert client.post("/api/v1/routing/simulate", json=body).status_code == 200

    assert row_counts(uow_factory) == before
    with uow_factory() as uow:
        assert uow.session.get_one(Coordinator, uuid.UUID(tksk)).last_assigned_at is None


CASE_ERRORS: list[tuple[str, dict[str, Any], str, str]] = [
    ("unknown village", case(village_code="61.01.01.2999"), "case.village_code", "unknown desa"),
    ("kecamatan code", case(village_code="61.01.01"), "case.village_code", "desa/kelurahan"),
    ("unknown category", case(category="XYZ"), "case.category", "unknown PPKS category"),
    ("unknown need", case(needs=["money"]), "case.needs.0", "aid_enrolment"),
    ("scope of no disaster", case(disaster_scope="local"), "case.disaster_scope", "KBA"),
    ("bad urgency", case(urgency="asap"), "case.urgency", "emergency"),
    ("bad NIK", case(nik="61010142"), "case.nik", "16 digits"),
    ("future birth date", case(birth_date="2999-01-01"), "case.birth_date", "past"),
    ("unexpected field", case(description="x"), "case.description", "Extra inputs"),
]


@pytest.mark.parametrize(
    ("label", "body", "field", "message"), CASE_ERRORS, ids=[c[0] for c in CASE_ERRORS]
)
def test_a_bad_simulated_case_is_refused_naming_the_field(
    client: TestClient, label: str, body: dict[str, Any], field: str, message: str
) -> None:
    response = client.post("/api/v1/routing/simulate", json={"case": body})

    assert response.status_code == 422, response.text
    [error] = response.json()["detail"]
    assert error["field"] == field
    assert message in error["msg"]


DRAFT_ERRORS: list[tuple[str, str, str]] = [
    ("not TOML", 'version = "x"\n[[rule]\n', "line 2"),
    ("unknown pillar", draft_rules(extra=ELDERLY_TO_PSM.replace('"PSM"', '"NOBODY"')), "line"),
    ("no version", "[[rule]]\nid = 'a'\n", "line 1: the rule set needs a `version`"),
    ("empty", "", "version"),
]


@pytest.mark.parametrize(
    ("label", "rules", "message"), DRAFT_ERRORS, ids=[c[0] for c in DRAFT_ERRORS]
)
def test_a_draft_that_cannot_be_used_is_refused_with_its_line(
    client: TestClient, uow_factory: UowFactory, label: str, rules: str, message: str
) -> None:
    before = row_counts(uow_factory)

    response = client.post("/api/v1/routing/simulate", json={"case": case(), "rules": rules})

    assert response.status_code == 422, response.text
    [error] = response.json()["detail"]
    assert (error["field"], error["type"]) == ("rules", "invalid_rules")
    assert message in error["msg"]
    assert row_counts(uow_factory) == before


def test_an_unknown_pillar_in_a_draft_is_reported_on_the_line_of_its_rule(
    client: TestClient,
) -> None:
    rules = draft_rules(extra=ELDERLY_TO_PSM.replace('"PSM"', '"NOBODY"'))
    line = rules.splitlines().index('id = "elderly-psm"')  # the [[rule]] header: 0-based

    response = client.post("/api/v1/routing/simulate", json={"case": case(), "rules": rules})

    [error] = response.json()["detail"]
    assert error["msg"].startswith(f"line {line}: rule 'elderly-psm'")
    assert "unknown pillar NOBODY" in error["msg"]
