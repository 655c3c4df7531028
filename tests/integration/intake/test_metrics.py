from __future__ import annotations

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from sekber_cli.embedded import free_port
from services.intake.app import create_app
from shared.config import Settings
from tests.integration.intake.conftest import referral

SUBMIT = {"method": "POST", "route": "/api/v1/referrals", "status": "201"}


def scrape(client: TestClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def submissions(samples: dict[tuple[str, frozenset[tuple[str, str]]], float]) -> float:
    return samples.get(("sekber_http_requests_total", frozenset(SUBMIT.items())), 0.0)


def test_a_submission_moves_the_request_counter_and_the_outbox_backlog(
    client: TestClient,
) -> None:
    before = scrape(client)

    response = client.post("/api/v1/referrals", json=referral())
    assert response.status_code == 201, response.text
    after = scrape(client)

    assert submissions(after) == submissions(before) + 1
    timed = (
        "sekber_http_request_duration_seconds_count",
        frozenset({"method": "POST", "route": "/api/v1/referrals"}.items()),
    )
    assert after[timed] >= 1
    assert after[("sekber_outbox_up", frozenset())] == 1
    # No relay runs in these tests: the submission's CaseReceived waits in the outbox.
    assert after[("sekber_outbox_backlog", frozenset())] >= 1
    assert after[("sekber_outbox_oldest_unpublished_age_seconds", frozenset())] >= 0


def test_requests_are_labelled_by_route_template_not_by_path(client: TestClient) -> None:
    client.get("/api/v1/cases/00000000-0000-0000-0000-000000000000")
    client.get("/no/such/page")

    labels = {dict(key[1]).get("route") for key in scrape(client)}
    assert "/api/v1/cases/{case_ref}" in labels
    assert "unmatched" in labels
    assert not any(label and "00000000" in label for label in labels)


def test_metrics_still_answer_when_the_outbox_cannot_be_read(settings: Settings) -> None:
    unreachable = f"postgresql+psycopg://sekber@127.0.0.1:{free_port()}/sekber"
    app = create_app(settings.model_copy(update={"database_url": unreachable}))
    with TestClient(app) as offline:
        samples = scrape(offline)

    assert samples[("sekber_outbox_up", frozenset())] == 0
    assert ("sekber_outbox_backlog", frozenset()) not in samples
