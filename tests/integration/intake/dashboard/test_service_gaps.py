"""Service gaps by region (issue 26) against known rows in DKI Jakarta (31), where no other
test puts cases or coordinators, in the week of Monday 2 November 2026 (WIB), read on
Wednesday 11 November:

    Jakarta Pusat (31.71), Gambir (31.71.01) unless said:
      TKSK  A declined no_capacity, B declined out_of_area (Kemayoran, 31.71.03),
            C declined not_eligible, F accepted after 2 h and open, G requested,
            its acceptance due 4 h after creation and passed
      PSM   D unassigned (waiting in the supervisors' queue)
    Jakarta Utara (31.72): TKSK E withdrawn unanswered at its deadline
    Coordinators: 31.71.01 TKSK x2 (capacity 1 each), one TKSK on leave, one inactive,
                  31.71 (the kota) PSM x1

And a decline made through the API in Kalimantan (the workflow tests' fresh areas)."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select

from shared.db import UowFactory
from shared.domain import pillars
from shared.domain.gaps import GapCounts, GapRow, record
from shared.gaps import histograms, read
from shared.models import Coordinator, Region, ServiceGapDigest
from tests.integration.factories import add_coordinator, add_task
from tests.integration.intake.conftest import Area, acting_as, as_coordinator, routed_case
from tests.support.auth import headers_for

T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)  # Monday 08:00 WIB
NOW = datetime(2026, 11, 11, 5, 0, tzinfo=UTC)  # Wednesday 12:00 WIB
WEEK = {"from": "2026-11-02", "to": "2026-11-08"}
URL = "/api/v1/dashboard/service-gaps"
NATIONAL = headers_for("supervisor", "sekber-pusat", "Bu Ratna")
H = timedelta(hours=1)
PILLARS = len(pillars.PILLARS)


@pytest.fixture(scope="module")
def jakarta(uow_factory: UowFactory) -> None:
    tksk = [
        add_coordinator(uow_factory, pillar="TKSK", region="31.71.01", capacity=1) for _ in range(2)
    ]
    add_coordinator(uow_factory, pillar="TKSK", region="31.71.01", active=False)
    kota_psm = add_coordinator(uow_factory, pillar="PSM", region="31.71")
    with uow_factory() as uow:
        s = uow.session
        s.add(Coordinator(external_ref=f"test-{uuid.uuid4()}", name="Cuti", pillar_code="TKSK",
                          region_code="31.71.01", on_leave_until=date(2026, 11, 20)))  # fmt: skip
        gambir, kemayoran, utara = "31.71.01.1001", "31.71.03.1001", "31.72.01.1001"
        add_task(s, gambir, "TKSK", "rejected", T0, closed=T0 + H, reason="no_capacity")
        add_task(s, kemayoran, "TKSK", "rejected", T0, closed=T0 + H, reason="out_of_area")
        add_task(s, gambir, "TKSK", "rejected", T0, closed=T0 + H, reason="not_eligible")
        add_task(s, gambir, "PSM", "unassigned", T0)
        add_task(s, utara, "TKSK", "cancelled", T0, closed=T0 + 5 * H, accept_due=T0 + 4 * H,
                 reason="no_response")  # fmt: skip
        add_task(s, gambir, "TKSK", "accepted", T0, accepted=T0 + 2 * H, accept_due=T0 + 4 * H,
                 coordinator=tksk[0])  # fmt: skip
        add_task(s, gambir, "TKSK", "requested", T0 + H, accept_due=T0 + 5 * H,
                 coordinator=tksk[1])  # fmt: skip
        # Held by the kota's PSM, which serves the whole kota and no kecamatan.
        add_task(s, gambir, "PSM", "accepted", T0, accepted=T0 + 3 * H, coordinator=kota_psm)
        uow.commit()


@pytest.fixture
def at_now(client: TestClient, jakarta: None) -> Iterator[None]:
    state = client.app.state  # type: ignore[attr-defined]
    real = state.clock
    state.clock = lambda: NOW
    yield
    state.clock = real


def gaps(client: TestClient, headers: dict[str, str] | None = None, **params: str) -> Any:
    response = client.get(URL, params=params, headers=headers or NATIONAL)
    assert response.status_code == 200, response.text
    return response.json()


def row(body: Any, code: str, pillar: str) -> dict[str, Any]:
    [found] = [r for r in body["items"] if (r["region_code"], r["pillar"]) == (code, pillar)]
    return found


@pytest.mark.usefixtures("at_now")
class TestByKabKota:
    def test_every_kab_kota_and_pillar_is_listed_also_with_nothing_to_report(
        self, client: TestClient
    ) -> None:
        body = gaps(client, region="31", **WEEK)

        assert (body["region_name"], body["group_level"]) == (
            "Daerah Khusus Ibukota Jakarta",
            "kabkota",
        )
        assert len(body["items"]) == 6 * PILLARS
        empty = row(body, "31.01", "LKS")
        assert (empty["referrals"], empty["gap_score"], empty["active_coordinators"]) == (0, 0, 0)

    def test_a_kab_kota_row_counts_declines_waiting_misses_and_coordinators(
        self, client: TestClient
    ) -> None:
        tksk = row(gaps(client, region="31", **WEEK), "31.71", "TKSK")

        assert tksk == tksk | {
            "region_name": "Kota Administrasi Jakarta Pusat",
            "referrals": 5,
            "declined_no_capacity": 1,
            "declined_out_of_area": 1,
            "declined_other": 1,
            "no_response": 0,
            "unassigned": 0,
            "breached": 1,
            "breached_accept": 1,
            "median_hours_to_accept": 2.0,
            "active_coordinators": 2,
            "capacity": 2,
            "open_tasks": 2,
            "open_per_coordinator": 1.0,
            "unmet": 2,
            "overload": 0,
            "gap_score": 0.67,
        }

    def test_the_worst_gap_comes_first(self, client: TestClient) -> None:
        body = gaps(client, region="31", **WEEK)

        top = [(r["region_code"], r["pillar"], r["gap_score"]) for r in body["items"][:3]]
        assert top == [("31.72", "TKSK", 1.0), ("31.71", "TKSK", 0.67), ("31.71", "PSM", 0.5)]
        assert body["gap_score_formula"] == "(unmet + overload) / (active_coordinators + 1)"

    def test_many_acceptances_take_the_median_from_the_rollups_histograms(
        self, client: TestClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(read, "EXACT_UP_TO", 0)
        histograms.forget()

        median = row(gaps(client, region="31", **WEEK), "31.71", "TKSK")["median_hours_to_accept"]

        assert median == pytest.approx(2.0, rel=0.19)  # within its bin

    def test_a_pillar_gives_one_row_per_kab_kota(self, client: TestClient) -> None:
        body = gaps(client, region="31", pillar="PSM", **WEEK)

        assert [r["pillar"] for r in body["items"]] == ["PSM"] * 6
        assert row(body, "31.71", "PSM")["unassigned"] == 1

    def test_a_kab_kota_lists_its_kecamatan_with_the_same_counts(self, client: TestClient) -> None:
        body = gaps(client, region="31.71", **WEEK)

        assert body["group_level"] == "kecamatan"
        assert {r["region_code"] for r in body["items"]} >= {"31.71.01", "31.71.03"}
        gambir, kemayoran = row(body, "31.71.01", "TKSK"), row(body, "31.71.03", "TKSK")
        assert (gambir["declined_no_capacity"], gambir["declined_other"], gambir["referrals"],
                gambir["breached_accept"], gambir["active_coordinators"],
                gambir["median_hours_to_accept"]) == (1, 1, 4, 1, 2, 2.0)  # fmt: skip
        assert (kemayoran["declined_out_of_area"], kemayoran["referrals"]) == (1, 1)
        # The kota's own PSM serves no kecamatan: neither its capacity nor the task it
        # holds for a Gambir case weighs on a kecamatan row (only on the kota's).
        psm = [r for r in body["items"] if r["pillar"] == "PSM"]
        assert sum(r["active_coordinators"] + r["open_tasks"] + r["overload"] for r in psm) == 0
        assert row(gaps(client, region="31", **WEEK), "31.71", "PSM")["open_tasks"] == 1

    def test_csv_gives_the_same_rows(self, client: TestClient) -> None:
        response = client.get(URL, params={"region": "31", "format": "csv", **WEEK},
                              headers=NATIONAL)  # fmt: skip

        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert len(rows) == 6 * PILLARS
        assert {"region_code", "pillar", "gap_score", "declined_no_capacity"} <= set(rows[0])


def test_east_java_lists_all_38_kab_kota(client: TestClient, uow_factory: UowFactory) -> None:
    body = gaps(client, region="35", pillar="TKSK")

    with uow_factory() as uow:
        names = set(uow.session.scalars(select(Region.name).where(Region.parent_code == "35")))
    assert len(body["items"]) == 38
    assert {r["region_name"] for r in body["items"]} == names


def test_a_decline_made_through_the_api_shows_in_its_kab_kota_and_pillar_row(
    client: TestClient, uow_factory: UowFactory, area: Area
) -> None:
    coordinator = add_coordinator(uow_factory, pillar="TKSK", region=area.district)
    task = routed_case(client, uow_factory, area, urgency="low")
    assert task.coordinator_id == coordinator and task.pillar_code == "TKSK"
    province, kab = area.district[:2], area.district[:5]
    before = row(gaps(client, region=province), kab, "TKSK")

    declined = acting_as(client, as_coordinator(coordinator)).post(
        f"/api/v1/referrals/{task.id}/actions/reject",
        json={"version": task.version, "reason": "no_capacity"},
    )
    assert declined.status_code == 200, declined.text

    after = row(gaps(client, region=province), kab, "TKSK")
    assert after["declined_no_capacity"] == before["declined_no_capacity"] + 1
    kecamatan = row(gaps(client, region=kab), area.district, "TKSK")
    assert kecamatan["declined_no_capacity"] >= 1


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"region": "35.99"}, 422, "region"),
        ({"region": "35.07.01"}, 422, "region"),
        ({"region": "jawa"}, 422, "region"),
        ({"pillar": "POLISI"}, 422, "pillar"),
        ({"from": "2026-13-01"}, 422, "from"),
        ({"from": "2026-11-09", "to": "2026-11-02"}, 422, "from"),
        ({"from": "0001-01-01", "to": "0001-01-02"}, 422, "from"),
        ({"from": "9999-12-30", "to": "9999-12-31"}, 422, "from"),
        ({"to": "9999-12-31"}, 422, "to"),
        ({"format": "xlsx"}, 422, "format"),
        ({"region": "33"}, 403, "region"),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    client: TestClient, params: dict[str, str], status: int, field: str
) -> None:
    east_java = headers_for("supervisor", "sekber-jatim", "Bu Ratna", jurisdiction="35")

    response = client.get(URL, params=params, headers=east_java)

    assert response.status_code == status, response.text
    assert [d["field"] for d in response.json()["detail"]] == [field]


def test_a_retired_region_code_is_refused_naming_the_field(
    client: TestClient, uow_factory: UowFactory
) -> None:
    with uow_factory() as uow:
        uow.session.merge(Region(code="34.98", name="Kabupaten Lama", level="regency",
                                 parent_code="34", retired_in="test"))  # fmt: skip
        uow.commit()
    try:
        response = client.get(URL, params={"region": "34.98"}, headers=NATIONAL)
    finally:  # the session's region list is counted by other tests
        with uow_factory() as uow:
            uow.session.execute(delete(Region).where(Region.code == "34.98"))
            uow.commit()

    assert response.status_code == 422, response.text
    assert [d["field"] for d in response.json()["detail"]] == ["region"]


def test_a_coordinator_may_not_read_service_gaps(client: TestClient) -> None:
    response = client.get(URL, headers=headers_for("coordinator", str(uuid.uuid4())))

    assert response.status_code == 403


def test_a_kab_kota_supervisor_sees_their_kecamatan_by_default(client: TestClient) -> None:
    body = gaps(client, headers_for("supervisor", "sekber-lumajang", jurisdiction="35.08"))

    assert (body["region_code"], body["group_level"]) == ("35.08", "kecamatan")
    assert len({r["region_code"] for r in body["items"]}) == 21  # Lumajang's kecamatan


@pytest.mark.usefixtures("at_now")
class TestPage:
    def test_the_page_draws_the_38_kab_kota_of_east_java(self, client: TestClient) -> None:
        response = client.get("/dasbor/celah-layanan", headers=NATIONAL)

        assert response.status_code == 200, response.text
        assert response.text.count('<li class="gtile') == 38
        assert 'href="/dasbor/celah-layanan?region=35.07"' in response.text
        assert "Skor celah" in response.text

    def test_a_kab_kota_page_lists_its_kecamatan_in_english_too(self, client: TestClient) -> None:
        response = client.get(
            "/dasbor/celah-layanan", params={"region": "31.71", "lang": "en", **WEEK},
            headers=NATIONAL,
        )  # fmt: skip

        assert response.status_code == 200
        assert "Gaps by kecamatan" in response.text and "Gambir" in response.text

    def test_a_bad_date_on_the_page_names_the_field(self, client: TestClient) -> None:
        response = client.get(
            "/dasbor/celah-layanan", params={"from": "31-02-2026", "lang": "id"}, headers=NATIONAL
        )

        assert response.status_code == 422
        assert "Dari (from)" in response.text


def test_the_latest_weekly_digest_is_read_by_the_provinces_supervisors(
    client: TestClient, uow_factory: UowFactory
) -> None:
    item = record(GapRow("31.73", "Jakarta Barat", "LKS", GapCounts(declined_no_capacity=2)))
    with uow_factory() as uow:
        uow.session.add(ServiceGapDigest(region_code="31", week_start=date(2026, 10, 26),
                                         items=[item], subject_id="Celah", body_id="Isi",
                                         subject_en="Gaps", body_en="Body"))  # fmt: skip
        uow.commit()
    jakarta = headers_for("supervisor", "sekber-dki", jurisdiction="31")

    response = client.get(f"{URL}/digest", headers=jakarta)
    page = client.get("/dasbor/celah-layanan", params={"lang": "id"}, headers=jakarta)
    nothing = client.get(f"{URL}/digest", params={"region": "34"}, headers=NATIONAL)

    assert response.status_code == 200, response.text
    latest = response.json()["latest"]
    assert (latest["week_start"], latest["subject_id"]) == ("2026-10-26", "Celah")
    assert "Ringkasan mingguan" in page.text and "Jakarta Barat" in page.text
    assert nothing.json() == {"region_code": "34", "latest": None}


def test_a_kab_kota_supervisor_may_not_read_the_provinces_digest(client: TestClient) -> None:
    pusat = headers_for("supervisor", "sekber-jakpus", jurisdiction="31.71")

    response = client.get(f"{URL}/digest", headers=pusat)

    assert response.status_code == 403, response.text
    assert [d["field"] for d in response.json()["detail"]] == ["region"]
