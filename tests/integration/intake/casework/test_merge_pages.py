"""A supervisor works possible duplicates from the case page: merges, undoes, dismisses."""

from __future__ import annotations

import random

from fastapi.testclient import TestClient

from tests.integration.intake.conftest import SENDER, SUPERVISOR, Area, referral


def submit(client: TestClient, area: Area, nik: str) -> dict[str, str]:
    body = referral(village_code=area.village, beneficiary={"name": "Sarmi", "nik": nik})
    response = client.post("/api/v1/referrals", json=body, headers=SENDER)
    assert response.status_code == 201, response.text
    return response.json()


def test_a_supervisor_merges_from_the_page_and_both_pages_say_so(
    client: TestClient, area: Area
) -> None:
    nik = f"350801420348{random.randint(1000, 9999)}"
    stays, dup = submit(client, area, nik), submit(client, area, nik)
    page = client.get(f"/kasus/{dup['case_id']}", headers=SUPERVISOR).text
    assert "Kemungkinan duplikat" in page and stays["tracking_code"] in page
    assert "NIK sama" in page and "Bukan duplikat" in page
    # The worker sees the flag, without the supervisor's forms.
    worker_page = client.get(f"/kasus/{dup['case_id']}", headers=SENDER).text
    assert stays["tracking_code"] in worker_page and "Bukan duplikat" not in worker_page

    merged = client.post(
        f"/kasus/{dup['case_id']}/gabung",
        data={"into": stays["case_id"]},
        headers=SUPERVISOR,
        follow_redirects=False,
    )
    assert merged.status_code == 303
    page = client.get(merged.headers["location"], headers=SUPERVISOR).text
    assert "Kasus digabung." in page
    assert "sudah digabung ke" in page and "Batalkan penggabungan" in page
    survivor = client.get(f"/kasus/{stays['case_id']}", headers=SUPERVISOR).text
    assert "Kasus duplikat yang digabung ke sini:" in survivor and dup["tracking_code"] in survivor

    undone = client.post(
        f"/kasus/{dup['case_id']}/gabung/batal", headers=SUPERVISOR, follow_redirects=False
    )
    assert undone.status_code == 303
    page = client.get(undone.headers["location"], headers=SUPERVISOR).text
    assert "Penggabungan dibatalkan." in page and "sudah digabung ke" not in page

    again = client.post(f"/kasus/{dup['case_id']}/gabung/batal", headers=SUPERVISOR)
    assert again.status_code == 409 and "is not merged" in again.text


def test_not_a_duplicate_from_the_page(client: TestClient, area: Area) -> None:
    nik = f"350801420348{random.randint(1000, 9999)}"
    first, second = submit(client, area, nik), submit(client, area, nik)
    answer = client.post(
        f"/kasus/{second['case_id']}/duplikat/bukan",
        data={"other": first["case_id"]},
        headers=SUPERVISOR,
        follow_redirects=False,
    )
    assert answer.status_code == 303
    page = client.get(answer.headers["location"], headers=SUPERVISOR).text
    assert "Ditandai bukan duplikat." in page and "Kemungkinan duplikat" not in page
    # A case worker cannot merge.
    refused = client.post(
        f"/kasus/{second['case_id']}/gabung",
        data={"into": first["case_id"]},
        headers=SENDER,
        follow_redirects=False,
    )
    assert refused.status_code == 403
