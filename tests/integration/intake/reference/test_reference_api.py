from __future__ import annotations

from fastapi.testclient import TestClient


def test_the_26_categories_are_listed_in_official_order(client: TestClient) -> None:
    response = client.get("/api/v1/categories")
    assert response.status_code == 200
    codes = [c["code"] for c in response.json()]
    assert len(codes) == 26
    assert codes[:3] == ["ABT", "AT", "ABH"]
    assert codes[-1] == "KAT"


def test_east_java_lists_its_38_kabupaten_and_kota(client: TestClient) -> None:
    body = client.get("/api/v1/regions/35").json()
    assert body["name"] == "Jawa Timur"
    assert body["level"] == "province"
    assert len(body["children"]) == 38
    assert {
        "code": "35.08",
        "name": "Kabupaten Lumajang",
        "level": "regency",
        "parent_code": "35",
        "children": [],
    } in body["children"]


def test_a_kecamatan_lists_its_villages(client: TestClient) -> None:
    body = client.get("/api/v1/regions/35.08.01").json()
    assert body["name"] == "Tempursari"
    assert any(v["name"] == "Tegalrejo" for v in body["children"])


def test_an_unknown_or_malformed_region_is_refused(client: TestClient) -> None:
    assert client.get("/api/v1/regions/35.99").status_code == 404
    assert client.get("/api/v1/regions/abc").status_code == 422


def test_health_answers(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_openapi_is_published(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    assert "/api/v1/referrals" in client.get("/openapi.json").json()["paths"]
