"""A spreadsheet of disaster victims through the real processes: the upload answers at
once, the import worker stores the good rows, routing gives each to Tagana and notify
tells the coordinator; the bad rows are named; the same file again creates nothing."""

from __future__ import annotations

from typing import Any

from shared.db import UowFactory
from tests.e2e.stack import SmtpServer, Stack, wait_until
from tests.e2e.test_referral_flow import delivered, east_java_villages

HEADER = ",".join([
    "category", "village_code", "urgency", "description", "beneficiary_name",
    "beneficiary_birth_date", "beneficiary_sex", "needs", "disaster_scope",
])  # fmt: skip


def victims_file(villages: list[str], bad: dict[int, str]) -> bytes:
    """One victim per village; `bad` puts a broken value in a row (by its number)."""
    lines = [HEADER]
    for i, village in enumerate(villages):
        number = i + 2
        cells = [
            "KBA", village, "high", "Rumah rusak diterjang banjir lahar", f"Korban Lahar {i}",
            "1971-05-02", "M", "disaster_relief", "regency",
        ]  # fmt: skip
        if number in bad:
            cells[1] = bad[number]
        lines.append(",".join(cells))
    return ("\n".join(lines) + "\n").encode()


def finished(stack: Stack, url: str) -> dict[str, Any] | None:
    status: dict[str, Any] = stack.http.get(url).json()
    return status if status["status"] == "done" else None


def test_a_victims_list_becomes_routed_cases_and_the_same_file_creates_nothing(
    stack: Stack, smtp: SmtpServer, uow_factory: UowFactory
) -> None:
    villages = east_java_villages(uow_factory, 8)
    content = victims_file(villages, bad={3: "35.99", 7: "35.08.01.9999"})
    answer = stack.http.post("/api/v1/imports", files={"file": ("lahar.csv", content)})
    assert answer.status_code == 202, answer.text
    url = answer.json()["status_url"]
    status = wait_until(lambda: finished(stack, url), timeout=60, what="the import")
    assert (status["created"], status["failed"]) == (6, 2), status["errors"]
    assert {(e["row"], e["field"]) for e in status["errors"]} == {
        (3, "village_code"), (7, "village_code")
    }  # fmt: skip

    rows = stack.http.get(f"{url}/rows").json()["items"]
    for row in (r for r in rows if r["status"] == "created"):
        case = wait_until(lambda r=row: delivered(stack, r["case_id"]), timeout=60, what="delivery")
        assert "TAGANA" in {task["pillar"] for task in case["referrals"]}
        assert smtp.mailbox.for_tracking_code(row["tracking_code"])

    again = stack.http.post("/api/v1/imports", files={"file": ("lahar (1).csv", content)})
    second = wait_until(
        lambda: finished(stack, again.json()["status_url"]), timeout=60, what="the re-import"
    )
    assert (second["created"], second["already_imported"], second["failed"]) == (0, 6, 2)
