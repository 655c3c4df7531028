"""Scope on write: an Idempotency-Key belongs to the account that sent it, a referral is
filed only within the submitter's jurisdiction (API and web form), and a task has a
bounded number of open tasks referred onward."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient

from shared.db import UowFactory
from tests.integration.factories import add_coordinator
from tests.integration.intake.conftest import (
    SENDER,
    Area,
    as_coordinator,
    counts,
    referral,
    routed_case,
)
from tests.support.auth import headers_for

OTHER_WORKER = headers_for("case_worker", "dewi@puskesos.example", "Dewi")
THIRD_WORKER = headers_for("case_worker", "rina@puskesos.example", "Rina")
EAST_JAVA_WORKER = headers_for("case_worker", "ika@puskesos.example", "Ika", jurisdiction="35")
CENTRAL_JAVA_VILLAGE = "33.01.01.2001"


def submit(client: TestClient, headers: dict[str, str], key: str, **body: Any) -> Any:
    return client.post(
        "/api/v1/referrals", json=referral(**body), headers={**headers, "Idempotency-Key": key}
    )


def test_an_idempotency_key_is_looked_up_with_the_account_that_sent_it(
    client: TestClient,
) -> None:
    key = str(uuid.uuid4())
    first = submit(client, SENDER, key)
    assert first.status_code == 201, first.text

    # Another account with the same key and body: a new case, nothing of the first told.
    theirs = submit(client, OTHER_WORKER, key)
    assert theirs.status_code == 201 and "Idempotent-Replayed" not in theirs.headers
    assert theirs.json()["case_id"] != first.json()["case_id"]
    # A third with another body: not a conflict either (that would tell the key exists).
    assert submit(client, THIRD_WORKER, key, urgency="low").status_code == 201

    # The sender's own retry is still a replay, and its own reuse still a conflict.
    again = submit(client, SENDER, key)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["case_id"] == first.json()["case_id"]
    assert submit(client, SENDER, key, urgency="low").status_code == 409


def test_a_referral_outside_the_submitters_jurisdiction_is_refused_naming_the_village(
    client: TestClient, uow_factory: UowFactory
) -> None:
    before = counts(uow_factory)
    refused = submit(client, EAST_JAVA_WORKER, str(uuid.uuid4()), village_code=CENTRAL_JAVA_VILLAGE)
    assert refused.status_code == 403
    [error] = refused.json()["detail"]
    assert (error["field"], error["type"]) == ("village_code", "outside_jurisdiction")
    assert counts(uow_factory) == before

    page = client.post(
        "/rujukan/baru",
        data=web_form(village_code=CENTRAL_JAVA_VILLAGE, kabkota="33.01", kecamatan="33.01.01"),
        headers=EAST_JAVA_WORKER,
        follow_redirects=False,
    )
    assert page.status_code == 403
    assert "di luar wilayah kerja" in page.text
    assert counts(uow_factory) == before

    inside = submit(client, EAST_JAVA_WORKER, str(uuid.uuid4()))  # 35.08.01.2001
    assert inside.status_code == 201


def web_form(**overrides: str) -> dict[str, Any]:
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "category": "LUT",
        "urgency": "high",
        "description": "Lansia hidup sendiri, sakit",
        "beneficiary_name": "Mbah Sarmi",
        "beneficiary_sex": "F",
        "reporter_name": "Ika",
        "legal_basis": "public_service",
    }
    data.update(overrides)
    return data


def test_a_task_has_at_most_five_open_tasks_referred_onward(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    tksk = add_coordinator(uow_factory, pillar="TKSK", region=area.district)
    task = routed_case(client, uow_factory, area)
    me = as_coordinator(tksk)
    accepted = client.post(
        f"/api/v1/referrals/{task.id}/actions/accept", json={"version": 1}, headers=me
    )
    assert accepted.status_code == 200, accepted.text
    body = {"pillar": "PSM", "purpose": "Pendampingan harian"}
    url = f"/api/v1/referrals/{task.id}/onward"

    statuses = [client.post(url, json=body, headers=me).status_code for _ in range(6)]

    assert statuses == [201] * 5 + [409]
    [error] = client.post(url, json=body, headers=me).json()["detail"]
    assert (error["field"], error["loc"]) == ("referral_id", ["path", "referral_id"])
    assert "at most 5" in error["msg"]
