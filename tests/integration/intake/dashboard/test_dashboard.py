"""The supervisors' dashboard against known rows in Jawa Tengah (33) and Jawa Barat (32).

Nothing else in the test suite puts cases in provinces 31-34 or 36, so every number in a
widget scoped to 33 (or 32) is known exactly. The week of Monday 16 November 2026 (WIB):

    A  33.01.02  LUT high    T0            A1 TKSK completed (accepted 2 h, case to end 10 h)
                                           A2 PSM  declined no_capacity at 5 h (accept due 4 h)
    B  33.01.01  PD  normal  T0+1d         B1 TKSK accepted at 6 h (due 4 h), never started:
                                               first contact and resolve due times passed
    C  33.02.01  LUT high    T0+2d         C1 TKSK unassigned; C2 PSM withdrawn unanswered
    E  33.01.01  LUT high    19 Nov 23:30  E1 TKSK completed: accepted 00:30 on the 20th (WIB)
    F  33.01.02  LUT emerg.  T0+3d         F1 TKSK requested since T0+8d, both dues passed
    D  32.01.01  LUT high    T0            D1 TKSK requested, overdue (another province)
    G  34.01.01  PD  normal  T0-6d         G1 PSM ended T0-4d, G2 TKSK ended T0+1d: closed
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi import HTTPException
from fastapi.testclient import TestClient
from sqlalchemy import select

from services.intake.dashboard import queries
from services.intake.dashboard.measures import Bucket
from services.intake.dashboard.routes import dashboard_filters
from shared.db import UowFactory
from shared.domain.actor import Actor
from shared.models import Case, Notification, Referral
from tests.integration.factories import add_coordinator
from tests.support.auth import headers_for

T0 = datetime(2026, 11, 16, 1, 0, tzinfo=UTC)  # Monday 08:00 WIB
NOW = datetime(2026, 11, 25, 5, 0, tzinfo=UTC)  # Wednesday 12:00 WIB
WEEK = {"from": "2026-11-16", "to": "2026-11-22"}
URL = "/api/v1/dashboard"
NATIONAL = headers_for("supervisor", "sekber-pusat", "Bu Ratna")
H = timedelta(hours=1)
D = timedelta(days=1)


@pytest.fixture(scope="module")
def rows(uow_factory: UowFactory) -> dict[str, uuid.UUID]:
    tksk = add_coordinator(uow_factory, pillar="TKSK", region="33.01", name="Pak Cilacap")
    psm = add_coordinator(uow_factory, pillar="PSM", region="33.01", name="Bu Cilacap")
    bogor = add_coordinator(uow_factory, pillar="TKSK", region="32.01", name="Pak Bogor")
    ids = {"tksk": tksk, "psm": psm, "bogor": bogor}
    with uow_factory() as uow:
        s = uow.session
        a = _case(s, "A", "33.01.02.2001", "LUT", "high", T0, "closed")
        _task(s, a, "A1", "TKSK", tksk, "completed", T0, accepted=T0 + 2 * H, started=T0 + 3 * H,
              closed=T0 + 10 * H, accept_due=T0 + 4 * H, contact_due=T0 + 36 * H,
              resolve_due=T0 + 120 * H)  # fmt: skip
        _task(s, a, "A2", "PSM", psm, "rejected", T0, closed=T0 + 5 * H,
              accept_due=T0 + 4 * H, resolve_due=T0 + 120 * H, reason="no_capacity")  # fmt: skip
        b = _case(s, "B", "33.01.01.2001", "PD", "normal", T0 + D, "open")
        b1 = _task(s, b, "B1", "TKSK", tksk, "accepted", T0 + D, accepted=T0 + D + 6 * H,
                   accept_due=T0 + D + 4 * H, contact_due=T0 + D + 10 * H,
                   resolve_due=T0 + D + 100 * H)  # fmt: skip
        c = _case(s, "C", "33.02.01.2001", "LUT", "high", T0 + 2 * D, "open")
        _task(s, c, "C1", "TKSK", None, "unassigned", T0 + 2 * D)
        _task(s, c, "C2", "PSM", psm, "cancelled", T0 + 2 * D,
              closed=T0 + 2 * D + 4 * H + timedelta(minutes=5), accept_due=T0 + 2 * D + 4 * H,
              resolve_due=T0 + 7 * D, reason="no_response")  # fmt: skip
        e_at = datetime(2026, 11, 19, 16, 30, tzinfo=UTC)  # 23:30 WIB
        e = _case(s, "E", "33.01.01.2002", "LUT", "high", e_at, "closed")
        _task(s, e, "E1", "TKSK", tksk, "completed", e_at, accepted=e_at + H,
              started=e_at + 2 * H, closed=e_at + 4 * H, accept_due=e_at + 4 * H,
              contact_due=e_at + 35 * H, resolve_due=e_at + 168 * H)  # fmt: skip
        f = _case(s, "F", "33.01.02.2002", "LUT", "emergency", T0 + 3 * D, "open")
        _task(s, f, "F1", "TKSK", tksk, "requested", T0 + 3 * D, assigned=T0 + 8 * D,
              accept_due=T0 + 8 * D + H, resolve_due=T0 + 9 * D)  # fmt: skip
        g_at = T0 - 6 * D  # received the week before, closed in this one
        g = _case(s, "G", "34.01.01.2001", "PD", "normal", g_at, "closed")
        _task(s, g, "G1", "PSM", None, "completed", g_at, accepted=g_at + H,
              closed=g_at + 2 * D)  # fmt: skip
        _task(s, g, "G2", "TKSK", None, "completed", g_at, accepted=g_at + H,
              closed=T0 + D)  # fmt: skip
        d = _case(s, "D", "32.01.01.1001", "LUT", "high", T0, "open")
        d1 = _task(s, d, "D1", "TKSK", bogor, "requested", T0, accept_due=T0 + 4 * H,
                   resolve_due=T0 + 120 * H)  # fmt: skip
        _notification(s, b, b1, "dead")
        _notification(s, a, None, "sent")
        _notification(s, d, d1, "dead")
        uow.commit()
    return ids


def _case(s: Any, tag: str, village: str, category: str, urgency: str, at: datetime,
          status: str) -> Case:  # fmt: skip
    case = Case(
        tracking_code=f"DASH-{tag}-{uuid.uuid4().hex[:8]}",
        status=status,
        category_code=category,
        village_code=village,
        urgency=urgency,
        description="dashboard test",
        needs=[],
        beneficiary_name="X",
        reporter_name="Y",
        correlation_id=f"dash-{tag}",
        created_at=at,
    )
    s.add(case)
    s.flush()
    return case


def _task(s: Any, case: Case, tag: str, pillar: str, coordinator: uuid.UUID | None, status: str,
          created: datetime, *, assigned: datetime | None = None, reason: str | None = None,
          **times: datetime) -> uuid.UUID:  # fmt: skip
    task = Referral(
        case_id=case.id,
        pillar_code=pillar,
        coordinator_id=coordinator,
        status=status,
        purpose=tag,
        purpose_en=tag,
        start_level="district",
        rule_id="test",
        rules_version="test",
        explanation={},
        reason_code=reason,
        created_at=created,
        assigned_at=assigned or (created if coordinator else None),
        accepted_at=times.get("accepted"),
        started_at=times.get("started"),
        closed_at=times.get("closed"),
        accept_due_at=times.get("accept_due"),
        contact_due_at=times.get("contact_due"),
        resolve_due_at=times.get("resolve_due"),
    )
    s.add(task)
    s.flush()
    return task.id


def _notification(s: Any, case: Case, referral: uuid.UUID | None, state: str) -> None:
    event = uuid.uuid4()
    s.add(
        Notification(
            dedup_key=f"{event}:x:email", event_id=event, kind="assigned", case_id=case.id,
            referral_id=referral, channel="email", language="id", subject="s", body="b",
            state=state,
        )
    )  # fmt: skip


@pytest.fixture
def at_now(client: TestClient, rows: dict[str, uuid.UUID]) -> Iterator[None]:
    state = client.app.state  # type: ignore[attr-defined]
    real = state.clock
    state.clock = lambda: NOW
    yield
    state.clock = real


def get(client: TestClient, widget: str, headers: dict[str, str] | None = None, /,
        **params: str) -> Any:  # fmt: skip
    response = client.get(f"{URL}/{widget}", params=params, headers=headers or NATIONAL)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.usefixtures("at_now")
class TestWidgets:
    def test_the_summary_counts_tasks_now_and_cases_of_the_week(self, client: TestClient) -> None:
        assert get(client, "summary", region="33", **WEEK) == {
            "open": 3,
            "unassigned": 1,
            "overdue": 2,
            "dead_notifications": 1,
            "received": 5,
            "closed": 2,
            "period_from": "2026-11-16",
            "period_to": "2026-11-22",
        }

    def test_a_pillar_filter_counts_its_tasks_and_the_cases_that_have_one(
        self, client: TestClient
    ) -> None:
        summary = get(client, "summary", region="33", pillar="PSM", **WEEK)

        assert {k: summary[k] for k in ("open", "overdue", "dead_notifications")} == {
            "open": 0,
            "overdue": 0,
            "dead_notifications": 0,
        }
        assert (summary["received"], summary["closed"]) == (2, 1)

    @pytest.mark.parametrize(("pillar", "closed"), [("PSM", 1), ("TKSK", 1), ("LKS", 0)])
    def test_a_case_closed_in_the_period_counts_for_every_pillar_it_had(
        self, client: TestClient, pillar: str, closed: int
    ) -> None:
        summary = get(client, "summary", region="34", pillar=pillar, **WEEK)

        assert (summary["received"], summary["closed"]) == (0, closed)

    def test_case_filters_narrow_every_count(self, client: TestClient) -> None:
        summary = get(client, "summary", region="33", category="PD", urgency="normal", **WEEK)

        assert [summary[k] for k in ("open", "overdue", "dead_notifications", "received")] == [
            1, 1, 1, 1,
        ]  # fmt: skip

    def test_open_tasks_of_a_province_group_by_kab_kota(self, client: TestClient) -> None:
        assert get(client, "open-tasks", region="33") == {
            "group_level": "kabkota",
            "rows": [
                {"pillar": "TKSK", "region_code": "33.01", "region_name": "Kabupaten Cilacap",
                 "open": 2, "overdue": 2},
                {"pillar": "TKSK", "region_code": "33.02", "region_name": "Kabupaten Banyumas",
                 "open": 1, "overdue": 0},
            ],
        }  # fmt: skip

    def test_open_tasks_of_a_kab_kota_group_by_kecamatan(self, client: TestClient) -> None:
        body = get(client, "open-tasks", region="33.01")

        assert body["group_level"] == "kecamatan"
        assert [(r["region_code"], r["region_name"], r["open"]) for r in body["rows"]] == [
            ("33.01.01", "Kedungreja", 1),
            ("33.01.02", "Kesugihan", 1),
        ]

    def test_resolution_times_give_counts_medians_and_90th_percentiles_per_week(
        self, client: TestClient
    ) -> None:
        assert get(client, "resolution-times", region="33", **WEEK) == {
            "bucket": "week",
            "rows": [
                {"period_start": "2026-11-16", "accepted": 3, "accept_median_hours": 2.0,
                 "accept_p90_hours": 5.2, "resolved": 2, "resolve_median_hours": 7.0,
                 "resolve_p90_hours": 9.4},
            ],
        }  # fmt: skip

    def test_days_are_wib_days_and_empty_days_are_listed_with_nulls(
        self, client: TestClient
    ) -> None:
        body = get(client, "resolution-times", region="33", bucket="day", **WEEK)

        by_day = {
            r["period_start"]: (r["accepted"], r["accept_median_hours"]) for r in body["rows"]
        }
        assert len(by_day) == 7
        assert by_day["2026-11-16"] == (1, 2.0)
        assert by_day["2026-11-17"] == (1, 6.0)
        assert by_day["2026-11-19"] == (0, None)  # E1 was accepted 00:30 WIB on the 20th
        assert by_day["2026-11-20"] == (1, 1.0)

    def test_breaches_count_each_missed_due_time_in_the_week_it_fell(
        self, client: TestClient
    ) -> None:
        assert get(client, "breaches", region="33", **WEEK)["rows"] == [
            {"period_start": "2026-11-16", "pillar": "PSM", "breaches": 2, "accept": 2,
             "first_contact": 0, "resolve": 0},
            {"period_start": "2026-11-16", "pillar": "TKSK", "breaches": 3, "accept": 1,
             "first_contact": 1, "resolve": 1},
        ]  # fmt: skip

    def test_an_open_step_is_breached_once_its_due_time_is_past(self, client: TestClient) -> None:
        rows = get(
            client, "breaches", region="33.01.02", **{"from": "2026-11-23", "to": "2026-11-25"}
        )

        assert rows["rows"] == [
            {"period_start": "2026-11-23", "pillar": "TKSK", "breaches": 2, "accept": 1,
             "first_contact": 0, "resolve": 1},
        ]  # fmt: skip

    def test_the_flow_counts_cases_received_and_closed_per_week(self, client: TestClient) -> None:
        assert get(client, "flow", region="33", **WEEK) == {
            "bucket": "week",
            "rows": [{"period_start": "2026-11-16", "received": 5, "closed": 2}],
        }
        by_day = get(client, "flow", region="34", bucket="day", **WEEK)["rows"]
        assert [(r["period_start"], r["closed"]) for r in by_day if r["closed"]] == [
            ("2026-11-17", 1)
        ]

    def test_the_page_draws_the_charts_with_the_apis_numbers(self, client: TestClient) -> None:
        response = client.get(
            "/dasbor",
            params={"region": "33", "from": "16-11-2026", "to": "22-11-2026"},
            headers=NATIONAL,
        )
        assert response.status_code == 200
        html = response.text
        assert "16-11-2026 – 22-11-2026" in html
        assert 'value="16-11-2026"' in html  # the period is entered as it is shown
        # Cases in and out, open tasks by pillar, breaches by step, time to accept.
        assert "16-11-2026, Masuk: 5" in html and "16-11-2026, Selesai: 2" in html
        assert "TKSK: 3" in html
        assert "Menerima rujukan: 3" in html
        assert "Kontak pertama dengan penerima manfaat: 1" in html
        assert "Penyelesaian kasus: 1" in html
        assert "16-11-2026, Median: 2" in html  # accepted A1 2 h, E1 1 h, B1 6 h
        assert html.count('<svg class="chart"') == 5
        # The second bar of a pair is hatched as well as coloured, as its legend key.
        assert 'class="hatched" fill="url(#c-flow-hatch)"' in html
        assert '<pattern id="c-flow-hatch"' in html and '<ul class="legend bars">' in html
        # Under the Content Security Policy: no inline style, no script needed.
        assert "style=" not in html and "<style" not in html
        assert "dashboard.js" not in html
        # Filters in people's words, the code list in the footer.
        assert ">Pekerja Sosial Masyarakat</option>" in html
        assert "Kode wilayah: Kepmendagri" in html

    def test_the_pages_tables_name_pillars_and_categories_in_words(
        self, client: TestClient
    ) -> None:
        html = client.get("/dasbor", params={"region": "33"}, headers=NATIONAL).text
        backlog = html.split('id="backlog"')[1].split("</table>")[0]
        latest = html.split('id="latest"')[1].split("</table>")[0]
        assert "<td>Tenaga Kesejahteraan Sosial Kecamatan</td>" in backlog
        assert "<td>TKSK</td>" not in backlog
        assert "<td>Lanjut Usia Terlantar</td>" in latest and "<td>LUT</td>" not in latest

    def test_a_region_with_nothing_to_show_says_so(self, client: TestClient) -> None:
        response = client.get("/dasbor", params={"region": "36"}, headers=NATIONAL)
        assert response.status_code == 200
        assert "Belum ada data pada periode ini." in response.text

    @pytest.mark.parametrize("field", ["from", "to"])
    def test_a_date_that_is_not_one_is_refused_naming_the_field(
        self, client: TestClient, field: str
    ) -> None:
        response = client.get(
            "/dasbor", params={field: "2026/11/16", "lang": "id"}, headers=NATIONAL
        )
        assert response.status_code == 422
        label = {"from": "Dari", "to": "Sampai"}[field]
        assert f"{label} ({field}): bukan tanggal" in response.text
        assert "HH-BB-TTTT, mis. 05-12-2026" in response.text
        english = client.get(
            "/dasbor", params={field: "31-02-2026", "lang": "en"}, headers=NATIONAL
        )
        assert english.status_code == 422
        assert f"({field}): not a date; write the date as DD-MM-YYYY" in english.text
        client.cookies.clear()  # ?lang=en is remembered; the other tests read Indonesian

    def test_decline_reasons_count_declines_and_lapses(self, client: TestClient) -> None:
        assert get(client, "decline-reasons", region="33", **WEEK) == {
            "rows": [{"reason": "no_capacity", "count": 1}, {"reason": "no_response", "count": 1}]
        }

    def test_the_backlog_lists_coordinators_by_open_tasks(
        self, client: TestClient, rows: dict[str, uuid.UUID]
    ) -> None:
        assert get(client, "backlog", region="33")["rows"] == [
            {"coordinator_id": str(rows["tksk"]), "name": "Pak Cilacap", "pillar": "TKSK",
             "region_code": "33.01", "open": 2, "overdue": 2, "oldest_hours": 196.0},
        ]  # fmt: skip

    @pytest.mark.parametrize(
        "widget", ["summary", "flow", "open-tasks", "resolution-times", "breaches",
                   "decline-reasons", "backlog"],
    )  # fmt: skip
    def test_csv_holds_the_same_rows_as_json(self, client: TestClient, widget: str) -> None:
        body = get(client, widget, region="33", **WEEK)
        response = client.get(
            f"{URL}/{widget}", params={"region": "33", "format": "csv", **WEEK}, headers=NATIONAL
        )

        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        assert response.headers["content-disposition"].startswith("attachment; filename=")
        table = list(csv.DictReader(io.StringIO(response.text)))
        expected = body.get("rows", [body])
        assert table == [{k: "" if v is None else str(v) for k, v in r.items()} for r in expected]


def _filters(jurisdiction: str, region: str | None) -> Any:
    actor = Actor("supervisor", "s", "", jurisdiction=jurisdiction)
    week = {"first": date(2026, 11, 16), "last": date(2026, 11, 22)}
    return dashboard_filters(
        actor=actor, now=NOW, region=region, pillar=None, category=None, urgency=None, **week
    )


def test_a_supervisor_of_a_province_sees_only_its_rows(
    uow_factory: UowFactory, rows: dict[str, uuid.UUID]
) -> None:
    with uow_factory() as uow:
        mine = _filters("33", None)
        open_rows = queries.open_tasks(uow.session, f=mine).rows
        backlog = queries.backlog(uow.session, f=mine).rows
        summary = queries.summary(uow.session, f=mine)

    assert mine.scope == "33"
    assert {r.region_code for r in open_rows} == {"33.01", "33.02"}
    assert rows["bogor"] not in {r.coordinator_id for r in backlog}
    assert summary.dead_notifications == 1  # D1's, in 32, is not counted


def test_a_region_outside_the_jurisdiction_is_refused_with_403() -> None:
    with pytest.raises(HTTPException) as caught:
        _filters("33", "32.01")
    assert caught.value.status_code == 403
    assert "outside your jurisdiction" in str(caught.value.detail)


@pytest.mark.usefixtures("at_now")
def test_the_api_limits_rows_to_the_jurisdiction(client: TestClient) -> None:
    jateng = headers_for("supervisor", "sekber-jateng", jurisdiction="33")

    refused = client.get(f"{URL}/summary", params={"region": "32"}, headers=jateng)
    national = get(client, "open-tasks", region="33")
    own = get(client, "open-tasks", jateng)

    assert refused.status_code == 403
    assert refused.json()["detail"][0]["field"] == "region"
    assert own == national


@pytest.mark.usefixtures("at_now")
def test_an_admin_may_read_the_dashboard_and_a_csr_may_not(client: TestClient) -> None:
    admin = client.get(f"{URL}/summary", headers=headers_for("admin", "root"))
    csr = client.get(f"{URL}/summary", headers=headers_for("csr", "csr@example.org"))

    assert admin.status_code == 200
    assert csr.status_code == 403
    assert "csr" in csr.json()["detail"][0]["msg"]


@pytest.mark.parametrize("kind", ["case_worker", "coordinator"])
def test_others_than_supervisors_and_admins_are_refused_naming_their_role(
    client: TestClient, kind: str
) -> None:
    ident = str(uuid.uuid4()) if kind == "coordinator" else "sri@puskesos.example"
    response = client.get(f"{URL}/backlog", headers=headers_for(kind, ident))

    assert response.status_code == 403
    assert response.json()["detail"][0]["msg"].startswith(f"not for the role {kind}")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"region": "35.7"}, "region"),
        ({"pillar": "NOPE"}, "pillar"),
        ({"category": "XYZ"}, "category"),
        ({"urgency": "urgent"}, "urgency"),
        ({"from": "2026-13-01"}, "from"),
        ({"from": "2026-11-20", "to": "2026-11-19"}, "from"),
        ({"from": "2020-01-01", "to": "2026-11-19"}, "to"),
        ({"from": "0001-01-01", "to": "0001-01-07"}, "from"),
        ({"to": "9999-12-31"}, "to"),
        ({"bucket": "month"}, "bucket"),
        ({"format": "xlsx"}, "format"),
    ],
)
def test_bad_filters_are_refused_naming_the_field(
    client: TestClient, params: dict[str, str], field: str
) -> None:
    widget = "resolution-times"
    response = client.get(f"{URL}/{widget}", params=params, headers=NATIONAL)

    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["field"] == field


def test_percentiles_agree_with_the_pure_computation(
    uow_factory: UowFactory, rows: dict[str, uuid.UUID]
) -> None:
    """On PostgreSQL percentile_cont in SQL, on SQLite Python: the same numbers."""
    with uow_factory() as uow:
        result = queries.resolution_times(uow.session, f=_filters("", "33"), bucket=Bucket.WEEK)

    [week] = result.rows
    assert (week.accept_median_hours, week.accept_p90_hours) == (2.0, 5.2)
    assert (week.resolve_median_hours, week.resolve_p90_hours) == (7.0, 9.4)


def test_a_task_carries_its_cases_place_category_urgency_and_receipt_time(
    uow_factory: UowFactory, rows: dict[str, uuid.UUID]
) -> None:
    """Copied by the database when the task is inserted (migration 0003_dashboard)."""
    with uow_factory() as uow:
        task = uow.session.scalars(select(Referral).where(Referral.purpose == "B1")).one()
        case = uow.session.get_one(Case, task.case_id)

        copied = (
            task.case_village_code,
            task.case_category_code,
            task.case_urgency,
            task.case_received_at,
        )
    assert copied == ("33.01.01.2001", "PD", "normal", case.created_at)
    assert case.created_at == T0 + D
