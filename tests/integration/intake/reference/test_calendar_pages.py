"""The working calendar as JSON and as a page (issue 30): the year's closed days with
their sources, in people's words, for every signed-in role."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from tests.integration.intake.conftest import ANONYMOUS, SUPERVISOR
from tests.support.auth import headers_for

COORDINATOR = headers_for("coordinator", str(uuid.uuid4()), "Pak Budi")


def test_the_year_lists_idul_fitri_and_its_cuti_bersama_with_sources(client: TestClient) -> None:
    body = client.get("/api/v1/calendar/2026", headers=SUPERVISOR).json()
    days = {d["date"]: d for d in body["days"]}
    assert days["2026-03-21"]["kind"] == "national"
    assert days["2026-03-23"] == {
        "date": "2026-03-23",
        "name": "Cuti bersama Idulfitri 1447 H",
        "kind": "cuti_bersama",
        "closed": True,
        "source": "SKB 3 Menteri No. 1497/2025, 2/2025, 5/2025",
    }
    assert body["closed_weekdays"] >= 20


def test_a_year_out_of_range_is_refused_naming_the_field(client: TestClient) -> None:
    response = client.get("/api/v1/calendar/1999", headers=SUPERVISOR)
    assert response.status_code == 422
    assert "year" in response.text
    assert client.get("/api/v1/calendar/2026", headers=ANONYMOUS).status_code == 401


def test_the_page_shows_the_year_in_indonesian_with_dates_as_people_write_them(
    client: TestClient,
) -> None:
    html = client.get("/kalender?tahun=2027", headers=SUPERVISOR).text
    assert "Kalender kerja 2027" in html
    assert "Selasa, 09-03-2027" in html and "Cuti bersama Idulfitri 1448 H" in html
    assert "Maret" in html and "Libur nasional" in html
    english = client.get("/kalender?tahun=2027&lang=en", headers=SUPERVISOR).text
    assert "Working calendar 2027" in english and "Tuesday, 09-03-2027" in english
    assert client.get("/kalender", headers=COORDINATOR).status_code == 200
    assert client.get("/kalender?tahun=abc", headers=SUPERVISOR).status_code == 422
