from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from services.intake.access import policy
from services.intake.app import create_app
from shared.config import Settings
from shared.db import UowFactory
from shared.models import Case
from shared.runtime import logcontext
from tests.integration.intake.conftest import referral


def test_a_submission_keeps_the_callers_correlation_id(
    client: TestClient, uow_factory: UowFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="services.intake")

    response = client.post(
        "/api/v1/referrals", json=referral(), headers={"X-Correlation-Id": "req-42.abc"}
    )

    assert response.status_code == 201, response.text
    assert response.headers["X-Correlation-Id"] == "req-42.abc"
    with uow_factory() as uow:
        case = uow.session.get_one(Case, uuid.UUID(response.json()["case_id"]))
    assert case.correlation_id == "req-42.abc"
    assert f"case {case.id} received" in caplog.messages


def test_an_unusable_correlation_id_is_replaced_by_a_new_one(client: TestClient) -> None:
    response = client.get("/healthz", headers={"X-Correlation-Id": "has spaces"})

    assert response.headers["X-Correlation-Id"] != "has spaces"
    assert len(response.headers["X-Correlation-Id"]) == 32


def test_a_refused_body_is_answered_with_a_correlation_id(client: TestClient) -> None:
    response = client.post(
        "/api/v1/referrals",
        content=b"x" * (1024 * 1024),
        headers={"Content-Type": "application/json", "X-Correlation-Id": "big-1"},
    )

    assert response.status_code == 413
    assert response.headers["X-Correlation-Id"] == "big-1"


def test_an_unexpected_error_is_logged_and_answered_with_the_correlation_id(
    settings: Settings, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app(settings)

    def boom() -> None:
        raise RuntimeError("boom")

    monkeypatch.setitem(policy.RULES, "GET /boom", policy.PUBLIC)
    app.add_api_route("/boom", boom)
    caplog.handler.addFilter(logcontext.CorrelationFilter())
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom", headers={"X-Correlation-Id": "oops-7"})

    assert response.status_code == 500
    assert response.headers["X-Correlation-Id"] == "oops-7"
    [record] = [r for r in caplog.records if r.name == "services.intake.edge.errors"]
    assert record.correlation_id == "oops-7"  # type: ignore[attr-defined]
