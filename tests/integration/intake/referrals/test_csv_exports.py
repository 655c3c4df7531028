"""Every CSV export, downloaded through its route and read back as a spreadsheet would:
hostile text in the data (coordinator, region and reason names, a delivery error) comes
out with a leading quote, never as a formula (OWASP "CSV injection").

The rows live in the made-up province 43, which no other test uses."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from shared.db import UowFactory
from shared.models import Case, Coordinator, Notification, Referral, Region
from tests.support.auth import headers_for

HOSTILE = ('=HYPERLINK("http://x","y")', "+1", "@SUM(A1)", "-2+3", "\tcmd", "\r=cmd")
# What a spreadsheet would run as a formula (the rule itself is not imported: it is tested).
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
NATIONAL = headers_for("supervisor", "sekber-pusat", "Bu Ratna")
REGENCY, DISTRICT, VILLAGE = "43.01", "43.01.01", "43.01.01.2001"


@pytest.fixture(scope="module")
def hostile_rows(uow_factory: UowFactory) -> None:
    now = datetime.now(UTC)
    with uow_factory() as uow:
        s = uow.session
        known = set(s.scalars(select(Region.code).where(Region.code.like("43.%"))))
        regions = [
            Region(code=REGENCY, name="-2+3", level="regency", parent_code="43"),
            Region(code=DISTRICT, name="Kecamatan Uji 43", level="district", parent_code=REGENCY),
            Region(code=VILLAGE, name="@SUM(A1)", level="village", parent_code=DISTRICT),
        ]
        s.add_all(r for r in regions if r.code not in known)
        s.flush()
        case = Case(
            tracking_code=f"CSV-{uuid.uuid4().hex[:8]}", status="open", category_code="LUT",
            village_code=VILLAGE, urgency="high", description="csv", needs=[],
            beneficiary_name="X", reporter_name="Y", correlation_id="csv-export",
            created_at=now - timedelta(hours=2),
        )  # fmt: skip
        s.add(case)
        s.flush()
        people = [
            Coordinator(external_ref=f"csv-{uuid.uuid4()}", name=name, kind="person",
                        pillar_code="TKSK", region_code=REGENCY, active=True, capacity=5)
            for name in HOSTILE
        ]  # fmt: skip
        s.add_all(people)
        s.flush()
        tasks: list[tuple[uuid.UUID | None, str, str | None, datetime | None]] = [
            (p.id, "requested", None, None) for p in people
        ]
        tasks += [(None, "unassigned", None, None), (None, "rejected", "+1", now)]
        for coordinator, status, reason, closed in tasks:
            s.add(
                Referral(
                    case_id=case.id, pillar_code="TKSK", coordinator_id=coordinator,
                    status=status, purpose="csv", purpose_en="csv", start_level="district",
                    rule_id="test", rules_version="test", explanation={}, reason_code=reason,
                    created_at=now - timedelta(hours=1),
                    assigned_at=now - timedelta(hours=1) if coordinator else None,
                    closed_at=closed,
                )
            )  # fmt: skip
        event = uuid.uuid4()
        s.add(
            Notification(
                dedup_key=f"{event}:csv:email", event_id=event, kind="assigned",
                case_id=case.id, channel="email", language="id", subject="s", body="b",
                state="dead", last_error=HOSTILE[0],
            )
        )  # fmt: skip
        uow.commit()


@pytest.mark.usefixtures("hostile_rows")
@pytest.mark.parametrize(
    ("url", "quoted"),
    [
        ("/api/v1/dashboard/summary?format=csv", ()),
        ("/api/v1/dashboard/open-tasks?format=csv", ("-2+3",)),
        ("/api/v1/dashboard/resolution-times?format=csv", ()),
        ("/api/v1/dashboard/breaches?format=csv", ()),
        ("/api/v1/dashboard/decline-reasons?format=csv", ("+1",)),
        ("/api/v1/dashboard/backlog?format=csv", HOSTILE),
        ("/dasbor/antrean.csv?", ("@SUM(A1)",)),
        ("/dasbor/notifikasi-gagal.csv?", (HOSTILE[0],)),
    ],
)
def test_no_csv_cell_is_a_formula(client: TestClient, url: str, quoted: tuple[str, ...]) -> None:
    response = client.get(f"{url}&region=43", headers=NATIONAL)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    cells = [cell for row in csv.reader(io.StringIO(response.text, newline="")) for cell in row]
    assert [c for c in cells if c.startswith(DANGEROUS)] == []
    assert {f"'{text}" for text in quoted} <= set(cells)
