"""Who acts, until authentication: the X-Sekber-Actor header, and the sender of a case."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from shared.db import UowFactory
from shared.models import Case
from tests.integration.factories import add_coordinator, route
from tests.integration.intake.conftest import (
    SENDER,
    SENDER_ID,
    Area,
    counts,
    new_case,
    referral,
    routed_case,
    tasks_of,
)


def sender_of(uow_factory: UowFactory, case_id: uuid.UUID) -> str:
    with uow_factory() as uow:
        return uow.session.get_one(Case, case_id).reported_by


def test_the_actor_who_submits_a_referral_is_its_sender(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    case_id = new_case(client, area, headers=SENDER)
    assert sender_of(uow_factory, case_id) == f"case_worker:{SENDER_ID}"


def test_without_the_header_the_reporter_is_the_sender_by_e_mail_or_else_by_name(
    client: TestClient, uow_factory: UowFactory
) -> None:
    with_email = referral(reporter={"name": "Sri Wahyuni", "email": "sri@desa.example"})
    by_name = referral(reporter={"name": "Sri Wahyuni"})
    first = client.post("/api/v1/referrals", json=with_email).json()["case_id"]
    second = client.post("/api/v1/referrals", json=by_name).json()["case_id"]
    assert sender_of(uow_factory, uuid.UUID(first)) == "case_worker:sri@desa.example"
    assert sender_of(uow_factory, uuid.UUID(second)) == "case_worker:Sri Wahyuni"


def test_a_reporter_known_by_e_mail_cancels_their_task_with_that_identity(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    add_coordinator(uow_factory, pillar="TKSK", region=area.district)
    body = referral(village_code=area.village, reporter={"name": "Sri", "email": "sri@x.example"})
    case_id = uuid.UUID(client.post("/api/v1/referrals", json=body).json()["case_id"])
    route(uow_factory, case_id)
    [t] = tasks_of(uow_factory, case_id)
    response = client.post(
        f"/api/v1/referrals/{t.id}/actions/cancel",
        json={"version": 1, "reason": "duplicate"},
        headers={"X-Sekber-Actor": "case_worker:sri@x.example"},
    )
    assert (response.status_code, response.json()["status"]) == (200, "cancelled")
    assert response.json()["allowed_actions"] == []


@pytest.mark.parametrize(
    "header",
    [
        "",
        "coordinator",
        "boss:42",
        "coordinator:not-a-uuid",
        "case_worker:",
        "supervisor:" + "x" * 149,
    ],
)
def test_a_malformed_actor_is_unauthenticated_and_changes_nothing(
    client: TestClient, uow_factory: UowFactory, header: str
) -> None:
    before = counts(uow_factory)
    submitted = client.post(
        "/api/v1/referrals", json=referral(), headers={"X-Sekber-Actor": header}
    )
    acted = client.post(
        f"/api/v1/referrals/{uuid.uuid4()}/actions/accept",
        json={"version": 1},
        headers={"X-Sekber-Actor": header},
    )
    for response in (submitted, acted):
        assert response.status_code == 401
        assert response.json()["detail"][0]["field"] == "X-Sekber-Actor"
    assert counts(uow_factory) == before


def test_the_workflow_needs_an_actor(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    add_coordinator(uow_factory, pillar="TKSK", region=area.district)
    t = routed_case(client, uow_factory, area)
    for path, body in (
        ("actions/accept", {"version": 1}),
        ("notes", {"text": "Halo"}),
        ("onward", {"pillar": "PSM", "purpose": "Pendampingan"}),
    ):
        response = client.post(f"/api/v1/referrals/{t.id}/{path}", json=body)
        assert response.status_code == 401, path
        [error] = response.json()["detail"]
        assert (error["field"], error["loc"], error["type"]) == (
            "X-Sekber-Actor",
            ["header", "X-Sekber-Actor"],
            "unauthenticated",
        )
    assert tasks_of(uow_factory, t.case_id)[0].version == 1
