"""A spreadsheet import whose worker is killed with SIGKILL part-way: the import resumes,
each row becomes exactly one case, and each case is routed and announced exactly once."""

from __future__ import annotations

import hashlib
import signal
import time
from typing import Any

from tests.chaos import ledger
from tests.chaos.harness import QUIET_TIMEOUT, Harness
from tests.chaos.load import Outcome

HEADER = "category,village_code,urgency,description,beneficiary_name,needs,disaster_scope"


def _status(h: Harness, url: str) -> dict[str, Any]:
    answer: dict[str, Any] = h.stack.http.get(url).json()
    return answer


def _wait(h: Harness, url: str, done: Any, timeout: float, what: str) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = _status(h, url)
        if done(status):
            return status
        time.sleep(0.1)
    raise AssertionError(f"{what}: {_status(h, url)}")


def test_an_import_worker_killed_mid_file_stores_each_row_once(harness: Harness) -> None:
    h = harness
    total = max(300, h.referrals)
    lines = [HEADER] + [
        f"KBA,{h.villages[i % len(h.villages)]},normal,Rumah terendam banjir,Korban Banjir {i},"
        "disaster_relief,local"
        for i in range(total)
    ]
    content = ("\n".join(lines) + "\n").encode()
    answer = h.stack.http.post("/api/v1/imports", files={"file": ("banjir.csv", content)})
    assert answer.status_code == 202, answer.text
    url = answer.json()["status_url"]
    started = time.monotonic()
    _wait(h, url, lambda s: s["processed"] >= total * 0.3, 120, "30 % of the rows")
    sup = h.stack.supervisor
    sup.kill("imports", signal.SIGKILL)
    while sup.alive("imports"):
        time.sleep(0.05)
    killed_at = _status(h, url)["processed"]
    sup.start_one("imports")
    status = _wait(h, url, lambda s: s["status"] == "done", 300, "the import to finish")
    imported_s = time.monotonic() - started
    assert (status["created"], status["failed"], status["processed"]) == (total, 0, total)

    prefix = f"import:{hashlib.sha256(content).hexdigest()}:"
    outcome = Outcome()
    cursor: str | None = None
    while True:
        page = h.stack.http.get(
            f"{url}/rows", params={"limit": 500, **({"cursor": cursor} if cursor else {})}
        ).json()
        for row in page["items"]:
            outcome.accepted[f"{prefix}{row['row']}"] = (row["case_id"], row["tracking_code"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    quiet_after, settled = ledger.wait_quiet(h.stack, h.uow_factory, prefix, timeout=QUIET_TIMEOUT)
    counts = ledger.count(
        fault="import worker SIGKILL",
        submitted=total,
        outcome=outcome,
        uow_factory=h.uow_factory,
        prefix=prefix,
        smtp=h.smtp,
        webhook=h.webhook,
        quiet_after=quiet_after,
        settled=settled,
        extra={
            "rows done when killed": killed_at,
            "import took": f"{imported_s:.1f} s ({total / imported_s:.0f} rows/s)",
        },
    )
    print(counts.report())
    assert counts.problems() == []
