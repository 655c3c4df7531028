"""Who acts: the signed-in account, kept as the sender of what it submits; wrong or
missing credentials change nothing."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from shared.db import UowFactory
from shared.models import Case
from tests.integration.factories import add_coordinator
from tests.integration.intake.conftest import (
    ANONYMOUS,
    SENDER,
    SENDER_ID,
    Area,
    counts,
    new_case,
    referral,
    routed_case,
    tasks_of,
)
from tests.support.auth import headers_for, token_for


def sender_of(uow_factory: UowFactory, case_id: uuid.UUID) -> str:
    with uow_factory() as uow:
        return uow.session.get_one(Case, case_id).reported_by


def test_the_actor_who_submits_a_referral_is_its_sender(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    case_id = new_case(client, area, headers=SENDER)
    assert sender_of(uow_factory, case_id) == f"case_worker:{SENDER_ID}"


def test_a_case_worker_cancels_the_task_they_sent_with_their_own_account(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    add_coordinator(uow_factory, pillar="TKSK", region=area.district)
    me = headers_for("case_worker", "sri@x.example", "Sri")
    t = routed_case(client, uow_factory, area, headers=me)
    other = headers_for("case_worker", "budi@x.example", "Budi")

    refused = client.post(
        f"/api/v1/referrals/{t.id}/actions/cancel",
        json={"version": 1, "reason": "duplicate"},
        headers=other,
    )
    response = client.post(
        f"/api/v1/referrals/{t.id}/actions/cancel",
        json={"version": 1, "reason": "duplicate"},
        headers=me,
    )

    assert refused.status_code == 404  # another's case does not exist for them
    assert (response.status_code, response.json()["status"]) == (200, "cancelled")
    assert response.json()["allowed_actions"] == []


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": "Basic c3JpOnNlY3JldA=="},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer not-a-token"},
        {"Authorization": "Bearer " + token_for("case_worker", "sri", secret="x" * 40)},
        {"Authorization": "Bearer " + token_for("case_worker", "sri", lifetime=-timedelta(1))},
        {"Authorization": "Bearer " + token_for("case_worker", "sri", token_kind="session")},
        {**ANONYMOUS, "X-API-Key": "sekber_0123456789ab_nope"},
    ],
    ids=["basic", "empty", "garbage", "forged", "expired", "session-token", "unknown-key"],
)
def test_wrong_credentials_are_unauthenticated_and_change_nothing(
    client: TestClient, uow_factory: UowFactory, headers: dict[str, str]
) -> None:
    before = counts(uow_factory)
    submitted = client.post("/api/v1/referrals", json=referral(), headers=headers)
    acted = client.post(
        f"/api/v1/referrals/{uuid.uuid4()}/actions/accept", json={"version": 1}, headers=headers
    )
    for response in (submitted, acted):
        assert response.status_code == 401, response.text
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert response.json()["detail"][0]["type"] == "unauthenticated"
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
        response = client.post(f"/api/v1/referrals/{t.id}/{path}", json=body, headers=ANONYMOUS)
        assert response.status_code == 401, path
        [error] = response.json()["detail"]
        assert (error["field"], error["loc"], error["type"]) == (
            "Authorization",
            ["header", "Authorization"],
            "unauthenticated",
        )
    assert tasks_of(uow_factory, t.case_id)[0].version == 1
