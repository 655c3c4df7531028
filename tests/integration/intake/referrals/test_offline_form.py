"""The referral form offline, as the server serves it (issue 23): the web app's manifest
and service worker, the reference data a case worker's phone keeps (only the villages of
their area), and a queued referral's refusal put into the worker's language. The phone's
side runs in Chromium: tests/e2e/browser/test_offline_form.py."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.integration.intake.conftest import ANONYMOUS
from tests.support.auth import headers_for

WORKER = headers_for("case_worker", "sri@psm.example", "Sri", jurisdiction="35.08")
PROVINCE = headers_for("supervisor", "ratna@dinsos.example", "Ratna", jurisdiction="35")


def test_the_app_installs_from_its_manifest_and_its_service_worker_keeps_the_form(
    client: TestClient,
) -> None:
    manifest = client.get("/manifest.webmanifest", headers=ANONYMOUS)
    assert manifest.status_code == 200
    assert manifest.headers["content-type"].startswith("application/manifest+json")
    app = manifest.json()
    assert app["start_url"] == "/rujukan/baru" and app["display"] == "standalone"
    assert {i["sizes"] for i in app["icons"]} == {"192x192", "512x512"}
    for icon in app["icons"]:
        image = client.get(icon["src"], headers=ANONYMOUS)
        assert image.status_code == 200 and image.content.startswith(b"\x89PNG")

    worker = client.get("/sw.js", headers=ANONYMOUS)
    assert worker.status_code == 200
    assert worker.headers["service-worker-allowed"] == "/"
    assert worker.headers["cache-control"] == "no-cache"
    script = worker.text
    assert "__VERSION__" not in script and "__SHELL__" not in script
    assert '"/static/offline-queue.js"' in script and '"/static/referral.js"' in script
    for path in ("/static/offline-queue.js", "/static/offline.js", "/static/device.js"):
        assert client.get(path, headers=ANONYMOUS).status_code == 200

    page = client.get("/rujukan/baru", headers=WORKER).text
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert 'src="/static/offline.js"' in page and 'src="/static/device.js"' in page
    assert 'data-fresh="1"' in page and 'id="antrean"' in page


def test_the_phone_keeps_the_villages_of_the_workers_area_only(client: TestClient) -> None:
    kept = client.get("/api/v1/referral-form", headers=WORKER)
    assert kept.status_code == 200
    data = kept.json()
    assert data["area"] == "35.08" and data["jurisdiction"] == "35.08"
    regions = data["regions"]
    districts = regions["35.08"]
    assert len(districts) > 10 and all(code.startswith("35.08.") for code, _ in districts)
    villages = [code for parent, kids in regions.items() if parent != "35.08" for code, _ in kids]
    assert len(villages) > 100 and all(code.startswith("35.08.") for code in villages)
    assert "35" not in regions and "35.07" not in regions
    assert len(data["categories"]) == 26 and data["lang"] == "id"
    assert {u["code"] for u in data["urgencies"]} == {"emergency", "high", "normal", "low"}
    assert data["needs"]
    assert data["words"]["pending_many"] == "{n} rujukan menunggu dikirim"

    province = client.get("/api/v1/referral-form?lang=en", headers=PROVINCE).json()
    assert province["area"] == "35" and len(province["regions"]["35"]) == 38
    # A province keeps its kecamatan, not its 8,000 villages (asked for when chosen).
    assert len(province["regions"]) == 39
    assert all(len(code) == 8 for parent, kids in province["regions"].items() if parent != "35"
               for code, _ in kids)  # fmt: skip
    assert province["lang"] == "en"

    # A phone signed out is told so (the page's script asks for a sign-in), not redirected.
    assert client.get("/api/v1/referral-form", headers=ANONYMOUS).status_code == 401
    coordinator = headers_for("coordinator", "00000000-0000-0000-0000-000000000001", "Budi")
    assert client.get("/api/v1/referral-form", headers=coordinator).status_code == 403


def test_a_queued_referrals_refusal_is_said_field_by_field_in_the_workers_language(
    client: TestClient,
) -> None:
    body = {
        "category": "LUT",
        "village_code": "35.08.01.2001",
        "urgency": "high",
        "description": "Lansia",
        "beneficiary": {"name": "Mbah", "nik": "3508014213480001", "birth_date": "2999-01-01"},
        "reporter": {"name": "Sri"},
    }
    refused = client.post("/api/v1/referrals", json=body, headers=WORKER)
    assert refused.status_code == 422

    said = client.post(
        "/api/v1/referral-form/refusal",
        json={"status": 422, "errors": refused.json()["detail"]},
        headers=WORKER,
    )
    assert said.status_code == 200
    fields = said.json()["fields"]
    assert set(fields) == {"beneficiary_nik", "beneficiary_birth_date"}
    assert "bulan" in fields["beneficiary_nik"]  # "month" in Indonesian
    english = client.post(
        "/api/v1/referral-form/refusal?lang=en",
        json={"status": 422, "errors": refused.json()["detail"]},
        headers=WORKER,
    ).json()["fields"]
    assert "month" in english["beneficiary_nik"]

    outside = client.post(
        "/api/v1/referrals",
        json={**body, "village_code": "35.07.01.2001", "beneficiary": {"name": "Mbah"}},
        headers=WORKER,
    )
    assert outside.status_code == 403
    said = client.post(
        "/api/v1/referral-form/refusal",
        json={"status": 403, "errors": outside.json()["detail"]},
        headers=WORKER,
    )
    outside_words = "Desa/kelurahan ini di luar wilayah kerja Anda."
    assert said.json()["fields"] == {"village_code": outside_words}
    # What the phone sends is checked like any input.
    bad = client.post("/api/v1/referral-form/refusal", json={"status": 200}, headers=WORKER)
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "status"
