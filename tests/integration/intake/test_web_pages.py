"""The web pages served by the intake: the referral form (errors in Indonesian, nothing
typed lost), the case page with its actions, the inbox and the dashboard. Coordinators
of these tests live in DKI Jakarta (31)."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from shared.db import UowFactory
from shared.models import Referral, Region
from tests.integration.factories import add_coordinator, route
from tests.integration.intake.conftest import ANONYMOUS
from tests.support.auth import headers_for

WORKER = headers_for("case_worker", "ani@puskesos.example", "Ani Lestari")


def jakarta_village(uow_factory: UowFactory, index: int) -> str:
    with uow_factory() as uow:
        codes = uow.session.scalars(
            select(Region.code)
            .where(Region.level == "village", Region.code.like("31.%"))
            .order_by(Region.code)
        ).all()
    return codes[index * 7]


def form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "idempotency_key": str(uuid.uuid4()),
        "kabkota": "35.08",
        "kecamatan": "35.08.01",
        "village_code": "35.08.01.2001",
        "category": "LUT",
        "urgency": "high",
        "needs": ["health_insurance"],
        "description": "Lansia hidup sendiri, sakit",
        "beneficiary_name": "Mbah Sarmi",
        "beneficiary_nik": "3508014203480001",
        "beneficiary_birth_date": "",
        "beneficiary_sex": "F",
        "reporter_name": "Ani Lestari",
        "legal_basis": "public_service",
    }
    data.update(overrides)
    return data


def submit(client: TestClient, data: dict[str, Any], headers: dict[str, str] = WORKER) -> Any:
    return client.post("/rujukan/baru", data=data, headers=headers, follow_redirects=False)


@pytest.mark.parametrize("path", ["/", "/rujukan/baru", "/rujukan", "/kotak-masuk", "/dasbor"])
def test_a_page_without_a_signed_in_person_sends_them_to_the_login_page(
    client: TestClient, path: str
) -> None:
    response = client.get(path, headers=ANONYMOUS, follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"].startswith("/masuk?next=")


def test_the_referral_form_speaks_indonesian_with_east_javas_regencies_and_26_categories(
    client: TestClient,
) -> None:
    response = client.get("/rujukan/baru", headers=WORKER)

    assert response.status_code == 200
    html = response.text
    assert '<html lang="id">' in html and "Kirim rujukan" in html
    assert "Kabupaten/Kota" in html and ">Kab. Trenggalek<" in html.replace("Kabupaten", "Kab.")
    assert len(re.findall(r'<option value="[A-Z]+" data-help=', html)) == 26
    assert "Orang lanjut usia (60+) tanpa pengurus." in html
    assert 'class="skip" href="#isi"' in html


def test_english_is_one_switch_away_and_is_remembered(client: TestClient) -> None:
    response = client.get("/rujukan/baru?lang=en", headers=WORKER)

    assert '<html lang="en">' in response.text and "Send referral" in response.text
    assert "sekber_lang=en" in response.headers["set-cookie"]
    client.cookies.set("sekber_lang", "en")
    try:
        assert "Send referral" in client.get("/rujukan/baru", headers=WORKER).text
    finally:
        client.cookies.clear()


def test_a_wrong_form_comes_back_with_indonesian_field_errors_and_everything_typed_kept(
    client: TestClient,
) -> None:
    data = form(
        beneficiary_nik="3508019913480001",
        description="",
        reporter_phone="telepon saya",
        beneficiary_name="Mbah Sarmi <b>",
    )

    response = submit(client, data)

    assert response.status_code == 422
    html = response.text
    assert "Angka 9-10 NIK bukan bulan." in html
    assert "Tulis uraian keadaan (3 sampai 4000 huruf)." in html
    assert "Nomor telepon hanya angka" in html
    assert 'value="3508019913480001"' in html and 'value="telepon saya"' in html
    assert 'value="Mbah Sarmi &lt;b&gt;"' in html, "kept, and escaped"
    assert '<option value="35.08.01.2001" selected>' in html
    assert 'value="health_insurance" checked' in html
    assert 'aria-invalid="true"' in html


def test_without_javascript_the_next_region_level_is_one_button_away(client: TestClient) -> None:
    response = submit(client, form(step="region", kecamatan="", village_code=""))

    assert response.status_code == 200
    assert '<option value="35.08.01">' in response.text
    assert "Wajib diisi" not in response.text and "Pilih desa/kelurahan." not in response.text


def test_a_sent_referral_opens_its_case_page_and_lists_among_my_referrals_only(
    client: TestClient,
) -> None:
    response = submit(client, form())

    assert response.status_code == 303, response.text
    case_url = response.headers["location"]
    page = client.get(case_url, headers=WORKER)
    assert page.status_code == 200
    assert "Rujukan terkirim" in page.text and "Mbah Sarmi" in page.text
    assert "350801******0001" in page.text and "3508014203480001" not in page.text
    case_id = case_url.split("/")[2].split("?")[0]
    mine = client.get("/rujukan", headers=WORKER).text
    assert f'data-case="{case_id}"' in mine
    other = headers_for("case_worker", "budi@puskesos.example")
    assert f'data-case="{case_id}"' not in client.get("/rujukan", headers=other).text
    assert client.get(f"/kasus/{case_id}", headers=other).status_code == 404


def test_sending_the_same_form_twice_makes_one_case(client: TestClient) -> None:
    data = form()
    first, again = submit(client, data), submit(client, data)

    assert first.headers["location"] == again.headers["location"]


def test_a_coordinator_works_a_task_from_the_case_page_and_sees_it_in_the_inbox(
    client: TestClient, uow_factory: UowFactory
) -> None:
    village = jakarta_village(uow_factory, 1)
    tksk = add_coordinator(uow_factory, pillar="TKSK", region=village.rsplit(".", 1)[0])
    response = submit(client, form(village_code=village, kabkota="", kecamatan="", needs=[]))
    case_id = uuid.UUID(response.headers["location"].split("/")[2].split("?")[0])
    route(uow_factory, case_id)
    with uow_factory() as uow:
        task = uow.session.scalars(select(Referral).where(Referral.case_id == case_id)).one()
    me = headers_for("coordinator", str(tksk))

    inbox = client.get("/kotak-masuk", headers=me)
    assert inbox.status_code == 200 and f'data-task="{task.id}"' in inbox.text
    assert "Mbah Sarmi" not in inbox.text and "M.S." in inbox.text
    assert f'data-task="{task.id}"' in client.get("/kotak-masuk/daftar", headers=me).text

    page = client.get(f"/kasus/{case_id}", headers=me)
    assert "Mengapa ke koordinator ini" in page.text
    assert f'action="/kasus/{case_id}/tugas/{task.id}/accept"' in page.text
    no_reason = client.post(
        f"/kasus/{case_id}/tugas/{task.id}/reject", data={"version": "1"}, headers=me
    )
    assert no_reason.status_code == 422 and "Pilih alasan." in no_reason.text
    stale = client.post(
        f"/kasus/{case_id}/tugas/{task.id}/accept", data={"version": "9"}, headers=me
    )
    assert stale.status_code == 409 and "Tugas sudah berubah" in stale.text

    accepted = client.post(
        f"/kasus/{case_id}/tugas/{task.id}/accept",
        data={"version": "1"},
        headers=me,
        follow_redirects=False,
    )
    assert accepted.status_code == 303
    after = client.get(accepted.headers["location"], headers=me).text
    assert "Tersimpan." in after and "Tugas diterima" in after
    assert f'action="/kasus/{case_id}/tugas/{task.id}/start"' in after


def test_the_inbox_is_a_coordinators_and_the_dashboard_a_supervisors(
    client: TestClient,
) -> None:
    assert client.get("/kotak-masuk", headers=WORKER).status_code == 403
    assert client.get("/dasbor", headers=WORKER).status_code == 403


def test_the_dashboard_shows_the_supervisors_queue_and_csv_links_with_the_filters(
    client: TestClient, uow_factory: UowFactory
) -> None:
    village = jakarta_village(uow_factory, 2)  # no coordinator anywhere near: unroutable
    response = submit(client, form(village_code=village, kabkota="", kecamatan=""))
    case_id = uuid.UUID(response.headers["location"].split("/")[2].split("?")[0])
    route(uow_factory, case_id)
    boss = headers_for("supervisor", "dinsos-dki", jurisdiction="31")

    page = client.get("/dasbor?region=31&pillar=TKSK", headers=boss)

    assert page.status_code == 200
    assert f'href="/kasus/{case_id}"' in page.text
    assert "/api/v1/dashboard/backlog?region=31&amp;pillar=TKSK&amp;format=csv" in page.text


def test_a_form_posted_from_another_site_is_refused(client: TestClient) -> None:
    response = submit(client, form(), headers={**WORKER, "Origin": "https://evil.example"})

    assert response.status_code == 403
    assert "Tidak diizinkan" in response.text
