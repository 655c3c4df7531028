from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from sekber_cli.embedded import free_port
from services.intake.app import create_app
from shared.config import Settings
from tests.integration.intake.conftest import referral
from tests.support.auth import headers_for


def readyz(settings: Settings) -> tuple[int, dict[str, Any]]:
    with TestClient(create_app(settings)) as client:
        response = client.get("/readyz")
    return response.status_code, response.json()


def test_intake_is_ready_when_database_redis_and_schema_are(settings: Settings) -> None:
    status, body = readyz(settings)

    assert status == 200
    assert body == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "redis": "ok"},
    }


def test_intake_is_not_ready_without_redis(settings: Settings) -> None:
    closed = settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{free_port()}/0"})

    status, body = readyz(closed)

    assert status == 503
    assert body["status"] == "not ready"
    assert body["checks"]["redis"].startswith("failed")
    assert body["checks"]["database"] == "ok"


def test_intake_is_not_ready_without_its_database(settings: Settings) -> None:
    unreachable = f"postgresql+psycopg://sekber:secret@127.0.0.1:{free_port()}/sekber"
    gone = settings.model_copy(update={"database_url": unreachable})

    status, body = readyz(gone)

    assert status == 503
    assert body["checks"]["database"].startswith("failed")
    assert "secret" not in str(body)
    assert body["checks"]["redis"] == "ok"


def test_intake_is_ready_again_once_its_dependencies_are_back(settings: Settings) -> None:
    closed = settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{free_port()}/0"})
    assert readyz(closed)[0] == 503

    assert readyz(settings)[0] == 200


def test_intake_is_not_ready_on_a_database_without_the_schema(
    settings: Settings, tmp_path: Path
) -> None:
    empty = settings.model_copy(update={"database_url": f"sqlite:///{tmp_path / 'empty.db'}"})

    status, body = readyz(empty)

    assert status == 503
    assert body["checks"] == {"database": "ok", "migrations": "not at head", "redis": "ok"}


def test_a_request_while_the_database_is_unreachable_gets_503_and_may_be_retried(
    settings: Settings,
) -> None:
    unreachable = f"postgresql+psycopg://sekber:secret@127.0.0.1:{free_port()}/sekber"
    gone = settings.model_copy(update={"database_url": unreachable})
    headers = headers_for("case_worker", "sri@puskesos.example")

    with TestClient(create_app(gone), raise_server_exceptions=False) as client:
        response = client.post("/api/v1/referrals", json=referral(), headers=headers)

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "secret" not in response.text
