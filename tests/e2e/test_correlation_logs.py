"""One correlation id follows a referral through every process's logs."""

from __future__ import annotations

import json
import uuid
from typing import Any

from shared.db import UowFactory
from tests.e2e.stack import Stack, wait_until
from tests.e2e.test_referral_flow import NIK, east_java_villages, referral

SERVICES = ("intake", "relay", "routing", "notify")


def json_lines(stack: Stack, service: str) -> list[dict[str, Any]]:
    entries = []
    for line in stack.supervisor.output(service):
        if line.startswith("{"):
            entries.append(json.loads(line))
    return entries


def logged_with(stack: Stack, service: str, correlation_id: str) -> list[str]:
    return [
        entry["message"]
        for entry in json_lines(stack, service)
        if entry.get("correlation_id") == correlation_id
    ]


def test_the_callers_correlation_id_is_in_every_services_log(
    stack: Stack, uow_factory: UowFactory
) -> None:
    correlation_id = uuid.uuid4().hex
    [village] = east_java_villages(uow_factory, 1)
    body = referral("LUT", village, name="Wulan Kusumawardani")

    response = stack.http.post(
        "/api/v1/referrals", json=body, headers={"X-Correlation-Id": correlation_id}
    )

    assert response.status_code == 201, response.text
    assert response.headers["X-Correlation-Id"] == correlation_id
    case_id = response.json()["case_id"]
    for service in SERVICES:
        messages = wait_until(
            lambda s=service: logged_with(stack, s, correlation_id),
            timeout=60,
            what=f"{service} to log {correlation_id}",
        )
        assert messages, service
    assert any(case_id in m for m in logged_with(stack, "intake", correlation_id))
    for service in SERVICES:
        text = "\n".join(stack.supervisor.output(service))
        assert "Wulan" not in text and NIK not in text, f"{service} logged personal data"


def test_intake_makes_up_a_correlation_id_when_the_caller_sends_none(stack: Stack) -> None:
    response = stack.http.get("/healthz")

    assert len(response.headers["X-Correlation-Id"]) == 32
