"""Privacy by role (UU 27/2022): who sees a person's identity, the audit trail of every
read and write, the legal basis of each case, CSR partners' view without identities, and
a person's request for their data. Cases here are in Papua Barat Daya (96)."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from shared.db import UowFactory
from shared.domain.access import Relation, Role, disclosure
from shared.models import AuditEntry, Case
from tests.integration.factories import add_coordinator, route
from tests.integration.intake.conftest import referral
from tests.support.auth import headers_for

VILLAGE = "96.01.01.1001"  # Makbon
NAME = "Maria Ulimpa"
NIK = "9601014108500001"
REPORTER = headers_for("case_worker", "yuli@puskesos-makbon.example", "Yuli")
SUPERVISOR = headers_for("supervisor", "dinsos-pbd", "Pak Ronald", jurisdiction="96")
CSR = headers_for("csr", "forum-csr-pbd", jurisdiction="96")
ADMIN = headers_for("admin", "admin-pbd", jurisdiction="96")


def case_in_makbon(client: TestClient, uow_factory: UowFactory) -> tuple[str, uuid.UUID]:
    coordinator = add_coordinator(uow_factory, pillar="TKSK", region="96.01.01")
    body = referral(
        village_code=VILLAGE,
        beneficiary={"name": NAME, "nik": NIK, "sex": "F"},
        reporter={"name": "Yuli", "phone": "+6281344445555", "email": "yuli@x.example"},
    )
    response = client.post("/api/v1/referrals", json=body, headers=REPORTER)
    assert response.status_code == 201, response.text
    case_id = response.json()["case_id"]
    route(uow_factory, uuid.UUID(case_id))
    return case_id, coordinator


def seen_by(client: TestClient, case_id: str, headers: dict[str, str]) -> dict[str, Any]:
    response = client.get(f"/api/v1/cases/{case_id}", headers=headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_each_role_sees_as_much_of_the_person_as_it_needs(
    client: TestClient, uow_factory: UowFactory
) -> None:
    case_id, coordinator = case_in_makbon(client, uow_factory)

    serving = seen_by(client, case_id, headers_for("coordinator", str(coordinator)))
    reporter = seen_by(client, case_id, REPORTER)
    supervisor = seen_by(client, case_id, SUPERVISOR)

    assert (serving["beneficiary"]["name"], serving["beneficiary"]["nik"]) == (NAME, NIK)
    assert serving["reporter_phone"] == "+6281344445555"
    assert (reporter["beneficiary"]["name"], reporter["beneficiary"]["nik"]) == (NAME, None)
    assert supervisor["beneficiary"]["name"] == "M.U."
    assert supervisor["beneficiary"]["nik"] is None
    assert supervisor["beneficiary"]["birth_date"] is None
    assert supervisor["reporter_phone"] is None and supervisor["reporter_email"] is None
    for view in (reporter, supervisor):
        assert NIK not in str(view)
        assert view["beneficiary"]["nik_masked"] == "960101******0001"
    assert client.get(f"/api/v1/cases/{case_id}", headers=CSR).status_code == 403
    stranger = headers_for("coordinator", str(uuid.uuid4()))
    assert client.get(f"/api/v1/cases/{case_id}", headers=stranger).status_code == 404


def test_every_read_and_write_of_a_case_is_in_the_audit_trail_with_its_basis(
    client: TestClient, uow_factory: UowFactory
) -> None:
    case_id, coordinator = case_in_makbon(client, uow_factory)
    seen_by(client, case_id, SUPERVISOR)
    seen_by(client, case_id, headers_for("coordinator", str(coordinator)))
    outsider = headers_for("supervisor", "dinsos-papua", jurisdiction="91")
    assert client.get(f"/api/v1/cases/{case_id}", headers=outsider).status_code == 404

    with uow_factory() as uow:
        rows = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.object_id == case_id).order_by(AuditEntry.id)
        ).all()
    trail = [(r.actor, r.action, r.basis, r.status) for r in rows]
    assert trail == [
        ("case_worker:yuli@puskesos-makbon.example", "write", "reporter (public_service)", 201),
        ("supervisor:dinsos-pbd", "read", "jurisdiction 96", 200),
        (f"coordinator:{coordinator}", "read", "assignee of a task", 200),
        ("supervisor:dinsos-papua", "read", "supervisor in 91", 404),
    ]


def test_the_legal_basis_is_kept_and_a_child_cannot_consent_alone(
    client: TestClient, uow_factory: UowFactory
) -> None:
    child = referral(
        category="AT",
        village_code=VILLAGE,
        beneficiary={"name": "Anak Uji", "birth_date": "2015-01-01"},
        legal_basis="consent",
    )
    refused = client.post("/api/v1/referrals", json=child, headers=REPORTER)
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["field"] == "legal_basis"

    child["legal_basis"] = "guardian_consent"
    accepted = client.post("/api/v1/referrals", json=child, headers=REPORTER)
    assert accepted.status_code == 201
    with uow_factory() as uow:
        case = uow.session.get_one(Case, uuid.UUID(accepted.json()["case_id"]))
        assert case.legal_basis == "guardian_consent"


def test_csr_partners_see_needs_without_any_identity(
    client: TestClient, uow_factory: UowFactory
) -> None:
    case_in_makbon(client, uow_factory)

    response = client.get("/api/v1/needs", headers=CSR, params={"region": "96"})

    assert response.status_code == 200
    needs = response.json()
    assert needs and all(n["village"] == "Makbon" for n in needs)
    assert set(needs[0]) == {
        "case_id",
        "category",
        "needs",
        "urgency",
        "village",
        "kecamatan",
        "kab_kota",
        "status",
        "received_on",
    }
    for secret in (NAME, NIK, "Yuli", "+62813"):
        assert secret not in response.text
    elsewhere = client.get("/api/v1/needs", headers=headers_for("csr", "x", jurisdiction="35"))
    assert all(n["kab_kota"] != needs[0]["kab_kota"] for n in elsewhere.json())


def test_an_admin_exports_everything_held_about_a_person_and_the_export_is_recorded(
    client: TestClient, uow_factory: UowFactory
) -> None:
    case_id, _ = case_in_makbon(client, uow_factory)
    seen_by(client, case_id, SUPERVISOR)

    response = client.post(
        "/api/v1/admin/subject-access",
        json={"nik": NIK, "reference": "SAR-2026-11"},
        headers=ADMIN,
    )

    assert response.status_code == 200, response.text
    export = response.json()
    assert case_id in [c["id"] for c in export["cases"]]
    [case] = [c for c in export["cases"] if c["id"] == case_id]
    assert (case["beneficiary"]["nik"], case["beneficiary"]["name"]) == (NIK, NAME)
    assert case["reporter_email"] == "yuli@x.example"
    assert any(a["actor"] == "supervisor:dinsos-pbd" for a in export["accesses"])
    with uow_factory() as uow:
        recorded = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "export", AuditEntry.object_id == case_id)
        ).all()
    assert [(r.basis, r.data) for r in recorded] == [
        ("subject access request", {"reference": "SAR-2026-11"})
    ]
    missing = client.post("/api/v1/admin/subject-access", json={}, headers=ADMIN)
    assert missing.status_code == 422


# --- The disclosure table of docs/security.md, held against the code, role by field ------

DOC = Path(__file__).resolve().parents[4] / "docs" / "security.md"
# The table's rows: the role and how it stands to the case.
ROWS = {
    "coordinator serving the case": (Role.COORDINATOR, Relation.ASSIGNEE, True),
    "coordinator of a CSR pillar serving the case": (Role.COORDINATOR, Relation.ASSIGNEE, False),
    "case worker who reported it": (Role.CASE_WORKER, Relation.REPORTER, True),
    "supervisor in the jurisdiction": (Role.SUPERVISOR, Relation.OVERSIGHT, True),
    "admin in the jurisdiction": (Role.ADMIN, Relation.OVERSIGHT, True),
}
COLUMNS = {
    "Full name": "full_name",
    "Full NIK": "full_nik",
    "Birth date": "birth_date",
    "Reporter's contact": "contact",
    "Description": "description",
}
BIRTH_DATE = "1950-08-01"
PHONE = "+6281344445555"
DESCRIPTION = "Lansia hidup sendiri, sakit, tidak ada keluarga"


def documented_table() -> dict[tuple[str, str], bool]:
    lines = DOC.read_text(encoding="utf-8").split("**Disclosure**", 1)[1].splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("|"))
    rows = list(
        itertools.takewhile(lambda line: line.startswith("|"), map(str.strip, lines[start:]))
    )
    header = [cell.strip() for cell in rows[0].strip("|").split("|")]
    table = {}
    for row in rows[2:]:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        for column, cell in zip(header[1:], cells[1:], strict=True):
            table[(cells[0], column)] = {"yes": True, "no": False}[cell]
    return table


def test_the_documented_table_names_every_role_and_field() -> None:
    assert set(documented_table()) == {(r, c) for r in ROWS for c in COLUMNS}


@pytest.mark.parametrize("row", ROWS)
def test_the_code_discloses_what_the_documented_table_says(row: str) -> None:
    role, relation, pillar_sees = ROWS[row]
    disclosed = disclosure(role, relation, pillar_sees_identity=pillar_sees)
    documented = documented_table()
    assert {c: getattr(disclosed, a) for c, a in COLUMNS.items()} == {
        c: documented[(row, c)] for c in COLUMNS
    }


@pytest.fixture(scope="module")
def views(client: TestClient, uow_factory: UowFactory) -> dict[str, dict[str, Any]]:
    """One case in Makbon with every field filled, as each role reads it over the API."""
    coordinator = add_coordinator(uow_factory, pillar="TKSK", region="96.01.01")
    body = referral(
        village_code=VILLAGE,
        description=DESCRIPTION,
        beneficiary={"name": NAME, "nik": NIK, "sex": "F", "birth_date": BIRTH_DATE},
        reporter={"name": "Yuli", "phone": PHONE},
    )
    response = client.post("/api/v1/referrals", json=body, headers=REPORTER)
    assert response.status_code == 201, response.text
    case_id = response.json()["case_id"]
    route(uow_factory, uuid.UUID(case_id))
    return {
        "coordinator serving the case": seen_by(
            client, case_id, headers_for("coordinator", str(coordinator))
        ),
        "case worker who reported it": seen_by(client, case_id, REPORTER),
        "supervisor in the jurisdiction": seen_by(client, case_id, SUPERVISOR),
        "admin in the jurisdiction": seen_by(client, case_id, ADMIN),
    }


SHOWN: dict[str, Callable[[dict[str, Any]], bool]] = {
    "Full name": lambda v: v["beneficiary"]["name"] == NAME,
    "Full NIK": lambda v: v["beneficiary"]["nik"] == NIK and NIK in str(v),
    "Birth date": lambda v: v["beneficiary"]["birth_date"] == BIRTH_DATE,
    "Reporter's contact": lambda v: v["reporter_phone"] == PHONE,
    "Description": lambda v: v["description"] == DESCRIPTION,
}


@pytest.mark.parametrize("column", COLUMNS)
@pytest.mark.parametrize("row", [r for r in ROWS if "CSR pillar" not in r])
def test_the_api_shows_each_role_each_field_as_documented(
    views: dict[str, dict[str, Any]], row: str, column: str
) -> None:
    assert SHOWN[column](views[row]) is documented_table()[(row, column)]
