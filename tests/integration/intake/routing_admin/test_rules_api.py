"""Administering the routing rules over HTTP. Every test leaves the shipped default rules
active; the routing test uses Kalimantan Barat (61.04), away from the demo directory."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from shared.db import UowFactory
from shared.domain.routing import rules as routing_rules
from shared.models import Referral, RuleSetVersion
from shared.routing.rulestore import DEFAULT_AUTHOR, default_text
from tests.integration.factories import (
    ELDERLY_TO_PSM,
    add_coordinator,
    draft_rules,
    route,
    submit,
)
from tests.integration.intake.conftest import ADMIN, SUPERVISOR, acting_as


@pytest.fixture(scope="module")
def client(client: TestClient) -> TestClient:
    """This module's requests are a national admin's."""
    return acting_as(client, ADMIN)


pytestmark = pytest.mark.usefixtures("default_rules_afterwards")

TOML = {"Content-Type": "application/toml"}


def put_rules(client: TestClient, text: str | bytes, **headers: str) -> httpx.Response:
    return client.put("/api/v1/routing/rules", content=text, headers={**TOML, **headers})


def stored_versions(uow_factory: UowFactory) -> int:
    with uow_factory() as uow:
        return uow.session.scalar(select(func.count()).select_from(RuleSetVersion)) or 0


def test_until_rules_are_uploaded_the_shipped_default_is_active(client: TestClient) -> None:
    body = client.get("/api/v1/routing/rules").json()

    assert (body["source"], body["created_by"], body["created_at"]) == (
        "default",
        DEFAULT_AUTHOR,
        None,
    )
    assert body["text"] == default_text()
    assert body["version"] == routing_rules.load_default().version


def test_uploaded_rules_become_the_active_set_with_their_author(client: TestClient) -> None:
    text = draft_rules("api-upload-1", extra=ELDERLY_TO_PSM)

    response = put_rules(client, text)

    assert response.status_code == 201, response.text
    assert response.json() == {"version": "api-upload-1", "active": True}
    active = client.get("/api/v1/routing/rules").json()
    assert (active["version"], active["source"], active["created_by"]) == (
        "api-upload-1",
        "database",
        "admin.sekber",
    )
    assert active["text"] == text
    assert active["created_at"] is not None


def test_the_versions_list_is_newest_first_with_only_the_active_one_flagged(
    client: TestClient,
) -> None:
    for version in ("api-list-1", "api-list-2"):
        assert put_rules(client, draft_rules(version)).status_code == 201

    versions = client.get("/api/v1/routing/rules/versions").json()

    assert [v["version"] for v in versions[:2]] == ["api-list-2", "api-list-1"]
    assert [v["version"] for v in versions if v["active"]] == ["api-list-2"]
    assert versions[0]["created_by"] == "admin.sekber"
    assert "text" not in versions[0]


def test_uploading_the_same_rules_again_reactivates_them(client: TestClient) -> None:
    first = draft_rules("api-again-1")
    assert put_rules(client, first).status_code == 201
    assert put_rules(client, draft_rules("api-again-2")).status_code == 201

    response = put_rules(client, first)

    assert response.status_code == 200, response.text
    assert response.json() == {"version": "api-again-1", "active": True}
    assert client.get("/api/v1/routing/rules").json()["version"] == "api-again-1"


def test_a_version_taken_by_other_rules_is_refused_and_changes_nothing(
    client: TestClient, uow_factory: UowFactory
) -> None:
    assert put_rules(client, draft_rules("api-taken")).status_code == 201
    count = stored_versions(uow_factory)

    response = put_rules(client, draft_rules("api-taken", extra=ELDERLY_TO_PSM))

    assert response.status_code == 409, response.text
    [error] = response.json()["detail"]
    assert (error["field"], error["type"]) == ("rules.version", "conflict")
    assert "api-taken" in error["msg"]
    assert "elderly-psm" not in client.get("/api/v1/routing/rules").json()["text"]
    assert stored_versions(uow_factory) == count


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('version = "x"\n[[rule]\n', "line 2"),
        (draft_rules("api-bad", extra=ELDERLY_TO_PSM.replace('"village"', '"planet"')), "line"),
        ("", "version"),
        (
            draft_rules("api-nul").replace("\n", "\n# a\x00b\n", 3),
            "line 2: control character U+0000",
        ),
        (draft_rules("api-rlo") + "# \u202e\n", "right-to-left override"),
    ],
    ids=["not TOML", "unknown level", "empty", "NUL", "RLO"],
)
def test_invalid_rules_are_refused_with_the_line_and_the_active_set_is_unchanged(
    client: TestClient, uow_factory: UowFactory, text: str, message: str
) -> None:
    good = draft_rules()
    assert put_rules(client, good).status_code == 201
    count = stored_versions(uow_factory)

    response = put_rules(client, text)

    assert response.status_code == 422, response.text
    [error] = response.json()["detail"]
    assert (error["field"], error["type"]) == ("rules", "invalid_rules")
    assert message in error["msg"]
    assert client.get("/api/v1/routing/rules").json()["text"] == good
    assert stored_versions(uow_factory) == count


@pytest.mark.parametrize(
    "content_type", ["text/plain; charset=utf-8", "application/octet-stream", "application/toml"]
)
def test_rules_are_accepted_as_text_toml_or_bytes(client: TestClient, content_type: str) -> None:
    response = client.put(
        "/api/v1/routing/rules",
        content=draft_rules(),
        headers={"Content-Type": content_type},
    )
    assert response.status_code == 201, response.text


def test_rules_sent_as_json_are_refused_naming_the_content_type(client: TestClient) -> None:
    response = client.put("/api/v1/routing/rules", json={"rules": draft_rules()})

    assert response.status_code == 415
    [error] = response.json()["detail"]
    assert error["field"] == "Content-Type"


def test_rules_that_are_not_utf8_are_refused(client: TestClient) -> None:
    response = put_rules(client, draft_rules().encode() + b"\n# \xff\xfe\n")

    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert (error["field"], error["type"]) == ("rules", "invalid_rules")


def test_rules_larger_than_256_kib_are_refused(client: TestClient, uow_factory: UowFactory) -> None:
    count = stored_versions(uow_factory)
    padded = draft_rules() + "#" * (256 * 1024)

    response = put_rules(client, padded)

    assert response.status_code == 413
    assert stored_versions(uow_factory) == count


def test_rules_of_nearly_256_kib_are_accepted(client: TestClient) -> None:
    text = draft_rules()
    padded = text + "#" * (256 * 1024 - len(text.encode()) - 1) + "\n"

    assert put_rules(client, padded).status_code == 201


def test_a_supervisor_reads_the_rules_but_may_not_replace_them(
    client: TestClient, uow_factory: UowFactory
) -> None:
    before = stored_versions(uow_factory)

    response = put_rules(client, draft_rules("api-by-supervisor"), **SUPERVISOR)

    assert response.status_code == 403
    assert response.json()["detail"][0]["field"] == "Authorization"
    assert client.get("/api/v1/routing/rules", headers=SUPERVISOR).status_code == 200
    assert stored_versions(uow_factory) == before


def test_routing_uses_uploaded_rules_from_the_next_case_on(
    client: TestClient, uow_factory: UowFactory
) -> None:
    add_coordinator(uow_factory, pillar="TKSK", region="61.04.01")
    psm = add_coordinator(uow_factory, pillar="PSM", region="61.04.01.2011")
    before = submit(uow_factory, category="LUT", village="61.04.01.2011")
    route(uow_factory, before)

    assert put_rules(client, draft_rules("api-routing", extra=ELDERLY_TO_PSM)).status_code == 201
    after = submit(uow_factory, category="LUT", village="61.04.01.2011")
    route(uow_factory, after)

    with uow_factory() as uow:
        old = uow.session.scalars(select(Referral).where(Referral.case_id == before)).one()
        new = uow.session.scalars(select(Referral).where(Referral.case_id == after)).one()
    assert (old.pillar_code, old.rule_id) == ("TKSK", "elderly")
    assert (new.pillar_code, new.rule_id, new.rules_version) == (
        "PSM",
        "elderly-psm",
        "api-routing",
    )
    assert (new.coordinator_id, new.matched_level) == (psm, "village")
